"""Small files of each allowed type, and impostors."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
DOCX = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
XLSX = _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def pdf(name="cong-van.pdf"):
    return upload(name, PDF)


def docx(name="ke-hoach.docx"):
    return upload(name, DOCX)


def xlsx(name="bieu-mau.xlsx"):
    return upload(name, XLSX)


def refuse_eicar(upload) -> str | None:
    """A stand-in virus scanner (settings.UPLOAD_SCANNER): refuses the EICAR test string."""
    return "EICAR test signature" if b"EICAR" in upload.read() else None
