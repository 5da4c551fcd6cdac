"""signing's part in documents: the exact bytes offered, fetched as signing's own read
(not the signer's download), and the signed copy filed in the dossier, with both
documents locked from then on. Bytes go over documents's blob endpoint, never the bus."""

from functools import partial

from .exceptions import NotAPdf

MAX_PDF_BYTES = 100 * 1024 * 1024
CHUNK = 256 * 1024


class DocumentsLink:
    """`as_caller`: documents with the caller's principal; `as_signing`: as the signing
    service; `blobs`: the BlobClient."""

    def __init__(self, as_caller, as_signing, blobs):
        self.as_caller, self.as_signing, self.blobs = as_caller, as_signing, blobs

    def fetch(self, document_id):
        """The exact bytes offered (bounded), while the signer may still see them."""
        self.as_caller.describe_document(document_id)  # NotFound once hidden from them
        upstream = self.blobs.download(self.as_signing.open_service_download(document_id))
        data = bytearray()
        try:
            for chunk in upstream.iter_content(CHUNK):
                data += chunk
                if len(data) > MAX_PDF_BYTES:
                    raise NotAPdf()
        finally:
            upstream.close()
        return bytes(data)

    def file_signed(self, attempt, signed):
        """The signed copy becomes the signer's delivery in the dossier, titled after the
        original in the signer's language. -> the document."""
        suffix = "ondertekend" if attempt["language"] == "nl" else "signed"
        return self.blobs.upload(
            partial(self.as_caller.begin_delivery_upload, attempt["dossier_id"]),
            signed,
            partial(
                self.as_caller.finish_upload,
                file_name=f"{attempt['title']} ({suffix}).pdf",
                title=f"{attempt['title']} ({suffix})",
            ),
        )

    def lock(self, *document_ids):
        """Their visibility can no longer change (documents's DocumentSigned)."""
        for document_id in document_ids:
            self.as_signing.lock_document(document_id)
