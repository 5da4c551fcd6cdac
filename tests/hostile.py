"""Hostile files for the tests of budgets (tests/e2e/test_hostile_files.py, unit tests):
built here, fast, nothing downloaded."""

import io
import re


def cms_of(signed_pdf):
    """The hex of the (last) CMS signature object in a signed PDF."""
    return re.findall(rb"/Contents\s*<([0-9a-fA-F]+)>", signed_pdf)[-1]


def signature_fields(count, cms_hex):
    """A one-page PDF with `count` signature fields, each carrying a copy of the CMS
    object `cms_hex` (a real one makes pyHanko parse each: 3,000 took 8 s). The byte
    ranges are nonsense, so none of them is valid; the cost is in getting there."""
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields ["
        + b" ".join(b"%d 0 R" % (10 + 2 * i) for i in range(count))
        + b"] /SigFlags 3 >> >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
    }
    for i in range(count):
        objects[10 + 2 * i] = (
            b"<< /FT /Sig /T (s%d) /V %d 0 R /Type /Annot /Subtype /Widget "
            b"/Rect [0 0 0 0] /P 3 0 R >>" % (i, 11 + 2 * i)
        )
        objects[11 + 2 * i] = (
            b"<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter "
            b"/ETSI.CAdES.detached /ByteRange [0 10 20 30] /Contents <" + cms_hex + b"> >>"
        )
    return _pdf(objects)


def _pdf(objects):
    out, offsets, size = io.BytesIO(), {}, max(objects) + 1
    out.write(b"%PDF-1.7\n")
    for number in sorted(objects):
        offsets[number] = out.tell()
        out.write(b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n" % size)
    for number in range(size):
        out.write(
            b"%010d 00000 n \n" % offsets[number] if number in offsets else b"0000000000 65535 f \n"
        )
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref))
    return out.getvalue()
