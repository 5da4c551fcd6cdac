"""Where sealed blobs live: a folder on one machine, or an S3-compatible bucket.

Both backends keep the same contract: names are opaque (`[A-Za-z0-9_-]{1,100}`); `put`
streams and is atomic (a failed write leaves nothing under the name) and never overwrites;
`open` raises FileNotFoundError at once for a missing name and then streams; `delete` is
idempotent. `BlobStore` adds sealing on top (see `sealing.py`).
"""

import logging
import os
import re
import secrets
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from services.documents.sealing import Keyring, seal, unseal

log = logging.getLogger(__name__)
_NAME = re.compile(r"[A-Za-z0-9_-]{1,100}")
S3_MIN_PART = 5 * 1024 * 1024


def check_name(name):
    """-> name; ValueError unless it is 1-100 of A-Z, a-z, 0-9, '_' and '-'."""
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise ValueError("blob name must be 1-100 characters of A-Z, a-z, 0-9, _ and -")
    return name


class Closing:
    """An iterator that calls close() once it is exhausted, fails or is closed, even if it
    was never started (a plain generator's finally would not run then)."""

    def __init__(self, iterator, close):
        self._iterator, self._close = iterator, close

    def __iter__(self):
        return self

    def __next__(self):
        try:
            return next(self._iterator)
        except BaseException:
            self.close()
            raise

    def close(self):
        if self._close is not None:
            close, self._close = self._close, None
            getattr(self._iterator, "close", lambda: None)()
            close()


class FolderStorage:
    """Blobs as files under root/<first 2 characters of name>/<name>; writes go through
    root/tmp first, so a crash leaves at most a temp file (see remove_stale_temp)."""

    def __init__(self, root):
        self.root = Path(root)
        self.temp = self.root / "tmp"
        os.makedirs(self.root, mode=0o700, exist_ok=True)
        os.makedirs(self.temp, mode=0o700, exist_ok=True)

    def _path(self, name):
        return self.root / check_name(name)[:2] / name

    def put(self, name, chunks):
        """Write all chunks under name -> bytes written. FileExistsError if it exists;
        on any failure (also of the chunks iterable) nothing is left and the error rises."""
        final = self._path(name)
        if final.exists():
            raise FileExistsError(f"blob {name} exists")
        temp = self.temp / f"{name}.{secrets.token_hex(8)}"
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as handle:
                written = sum(handle.write(chunk) for chunk in chunks)
                handle.flush()
                os.fsync(handle.fileno())
            self._link_into_place(temp, final)
        finally:
            _unlink_quietly(temp)
        return written

    def _link_into_place(self, temp, final):
        """A hard link, not os.replace: it is just as atomic, and it fails if the name
        was taken meanwhile instead of silently overwriting."""
        if not final.parent.is_dir():
            os.makedirs(final.parent, mode=0o700, exist_ok=True)
            _fsync_dir(self.root)
        os.link(temp, final)
        _fsync_dir(final.parent)

    def open(self, name, chunk_size=64 * 1024):
        """-> an iterator of the stored bytes; FileNotFoundError now if there is none."""
        handle = open(self._path(name), "rb")  # noqa: SIM115 (Closing closes it)
        return Closing(iter(lambda: handle.read(chunk_size), b""), handle.close)

    def delete(self, name):
        """Remove the blob; nothing happens if there is none."""
        path = self._path(name)
        try:
            os.unlink(path)
        except FileNotFoundError:
            return
        _fsync_dir(path.parent)

    def exists(self, name):
        return self._path(name).is_file()

    def remove_stale_temp(self, older_than_s=3600):
        """Remove temp files untouched for older_than_s (left by a killed process; a live
        writer keeps its file's mtime fresh) -> how many were removed."""
        limit, count = time.time() - older_than_s, 0
        for entry in os.scandir(self.temp):
            if entry.is_file(follow_symlinks=False) and entry.stat().st_mtime < limit:
                _unlink_quietly(entry.path)
                count += 1
        return count


class S3Storage:
    """Blobs as objects in an S3-compatible bucket, keyed by name. Uploads are streamed
    in parts of part_size; a failed upload is aborted, so no object appears."""

    def __init__(
        self,
        bucket,
        endpoint_url=None,
        region=None,
        access_key_id=None,
        secret_access_key=None,
        part_size=8 * 1024 * 1024,
    ):
        if part_size < S3_MIN_PART:
            raise ValueError(f"S3 part_size must be at least {S3_MIN_PART} bytes")
        config = Config(
            connect_timeout=10,
            read_timeout=60,
            retries={"max_attempts": 5, "mode": "standard"},
            # Path style and checksums only when required: what S3-compatible stores
            # (MinIO, Ceph) understand; integrity is checked end to end by sealing anyway.
            s3={"addressing_style": "path" if endpoint_url else "auto"},
            request_checksum_calculation="when_required",
            response_checksum_validation="when_required",
        )
        self.client = boto3.session.Session().client(
            "s3",
            endpoint_url=endpoint_url,
            region_name=region,
            config=config,
            aws_access_key_id=access_key_id,
            aws_secret_access_key=secret_access_key,
        )
        self.bucket, self.part_size = bucket, part_size

    def put(self, name, chunks):
        """As FolderStorage.put. Blobs under part_size go up in one put_object."""
        check_name(name)
        if self.exists(name):
            raise FileExistsError(f"blob {name} exists")
        buffer, upload, written = bytearray(), None, 0
        try:
            for chunk in chunks:
                buffer += chunk
                written += len(chunk)
                while len(buffer) >= self.part_size:
                    upload = upload or _MultipartUpload(self, name)
                    upload.send(bytes(buffer[: self.part_size]))
                    del buffer[: self.part_size]
            if upload is None:
                self._call_exclusive(
                    self.client.put_object, Bucket=self.bucket, Key=name, Body=bytes(buffer)
                )
            else:
                upload.finish(bytes(buffer))
        except BaseException:
            if upload is not None:
                upload.abort()
            raise
        return written

    def _call_exclusive(self, method, **kwargs):
        """Call with If-None-Match: * so that a name taken meanwhile is not overwritten."""
        try:
            return method(IfNoneMatch="*", **kwargs)
        except ClientError as error:
            if _error_code(error) in ("PreconditionFailed", "412"):
                raise FileExistsError(f"blob {kwargs['Key']} exists") from None
            raise

    def open(self, name, chunk_size=64 * 1024):
        """-> an iterator of the stored bytes; FileNotFoundError now if there is none."""
        try:
            body = self.client.get_object(Bucket=self.bucket, Key=check_name(name))["Body"]
        except ClientError as error:
            if _error_code(error) in ("NoSuchKey", "404"):
                raise FileNotFoundError(f"blob {name} not found") from None
            raise
        return Closing(iter(lambda: body.read(chunk_size), b""), body.close)

    def delete(self, name):
        """Remove the blob; nothing happens if there is none."""
        self.client.delete_object(Bucket=self.bucket, Key=check_name(name))

    def exists(self, name):
        try:
            self.client.head_object(Bucket=self.bucket, Key=check_name(name))
        except ClientError as error:
            if _error_code(error) in ("404", "NoSuchKey", "NotFound"):
                return False
            raise
        return True

    def remove_stale_temp(self, older_than_s=3600):
        """Abort multipart uploads begun over older_than_s ago (left by a killed process;
        their parts cost storage until aborted) -> how many were aborted."""
        limit = datetime.now(UTC) - timedelta(seconds=older_than_s)
        count = 0
        pages = self.client.get_paginator("list_multipart_uploads").paginate(Bucket=self.bucket)
        for page in pages:
            for upload in page.get("Uploads", []):
                if upload["Initiated"] < limit:
                    self.client.abort_multipart_upload(
                        Bucket=self.bucket, Key=upload["Key"], UploadId=upload["UploadId"]
                    )
                    count += 1
        return count


class _MultipartUpload:
    """One multipart upload in progress: parts are sent as they fill up."""

    def __init__(self, storage, name):
        self.storage, self.name, self.parts = storage, name, []
        self.client, self.bucket = storage.client, storage.bucket
        answer = self.client.create_multipart_upload(
            Bucket=self.bucket, Key=name, ContentType="application/octet-stream"
        )
        self.upload_id = answer["UploadId"]

    def send(self, data):
        number = len(self.parts) + 1
        answer = self.client.upload_part(
            Bucket=self.bucket, Key=self.name, Body=data, UploadId=self.upload_id, PartNumber=number
        )
        self.parts.append({"PartNumber": number, "ETag": answer["ETag"]})

    def finish(self, rest):
        if rest:  # the last part may be shorter than the minimum
            self.send(rest)
        self.storage._call_exclusive(
            self.client.complete_multipart_upload,
            Bucket=self.bucket,
            Key=self.name,
            UploadId=self.upload_id,
            MultipartUpload={"Parts": self.parts},
        )

    def abort(self):
        try:
            self.client.abort_multipart_upload(
                Bucket=self.bucket, Key=self.name, UploadId=self.upload_id
            )
        except Exception:  # the original error matters more; remove_stale_temp cleans up
            log.warning("could not abort the multipart upload of blob %s", self.name, exc_info=True)


class BlobStore:
    """What the documents service uses: sealing + a storage backend."""

    def __init__(self, storage, keyring):
        self.storage, self.keyring = storage, keyring

    def write(self, name, plain_chunks, client_key=None):
        """Seal and store plaintext chunks under name -> the stored (sealed) size; the
        data key is wrapped by `client_key` (a sealing.ClientKey: the client's blobs are
        shredded with it) or, without one, by the active KEK. FileExistsError if the name
        is taken; nothing is kept on failure."""
        return self.storage.put(name, seal(plain_chunks, self.keyring, client_key))

    def read(self, name, client_keys=None):
        """-> an iterator of verified plaintext; FileNotFoundError now if there is none,
        BlobDamaged while reading if the stored bytes were changed, BlobShredded if the
        client key it was sealed under was destroyed. `client_keys(key_id)` -> the bytes
        of a client key (client_keys.open_key)."""
        source = self.storage.open(name)
        return Closing(unseal(source, self.keyring, client_keys), source.close)

    def delete(self, name):
        """Remove the blob; nothing happens if there is none."""
        self.storage.delete(name)


def blob_store_from_config(config, var_dir):
    """The BlobStore that the nameko config asks for (STORAGE_BACKEND folder or s3, BLOB_DIR,
    S3_*, BLOB_KEYS, BLOB_KEY_ID; empty means unset). ValueError for a bad setting."""

    def setting(key):
        value = config.get(key)
        return None if value is None else (str(value).strip() or None)

    backend = (setting("STORAGE_BACKEND") or "folder").lower()
    if backend == "folder":
        storage = FolderStorage(setting("BLOB_DIR") or Path(var_dir) / "blobs")
    elif backend == "s3":
        if not setting("S3_BUCKET"):
            raise ValueError("STORAGE_BACKEND s3 needs S3_BUCKET")
        storage = S3Storage(
            setting("S3_BUCKET"),
            setting("S3_ENDPOINT_URL"),
            setting("S3_REGION"),
            setting("S3_ACCESS_KEY_ID"),
            setting("S3_SECRET_ACCESS_KEY"),
        )
    else:
        raise ValueError(f"STORAGE_BACKEND must be folder or s3, not {backend!r}")
    keyring = Keyring.from_config(setting("BLOB_KEYS"), setting("BLOB_KEY_ID"), var_dir)
    return BlobStore(storage, keyring)


def _error_code(error):
    return str(error.response.get("Error", {}).get("Code", ""))


def _fsync_dir(path):
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _unlink_quietly(path):
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
