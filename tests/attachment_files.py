"""Real files for the attachment tests, made here: documents, pictures and hostile ones."""

import io
import struct
import zipfile
import zlib

import openpyxl
from PIL import Image


def pdf():
    """A small valid PDF, written by hand (one empty page)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    out, offsets = io.BytesIO(), []
    out.write(b"%PDF-1.4\n")
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    start = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
              % (len(objects) + 1, start))  # fmt: skip
    return out.getvalue()


def xlsx():
    book = openpyxl.Workbook()
    book.active.append(["البلدية", "الموازنة"])
    book.active.append(["نابلس", 1200])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def jpeg_with_gps(size=(64, 48)):
    """A JPEG whose EXIF holds a GPS position and an orientation (rotate 90°)."""
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to show
    exif[0x010F] = "CameraMaker"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (31.0, 46.0, 0.0)
    gps[3], gps[4] = "E", (35.0, 13.0, 0.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def png(size=(40, 30)):
    out = io.BytesIO()
    Image.new("RGBA", size, (0, 120, 200, 255)).save(out, "PNG")
    return out.getvalue()


def png_with_gps(size=(40, 30)):
    """A PNG whose eXIf chunk holds a GPS position and a camera maker."""
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (31.0, 46.0, 0.0)
    gps[3], gps[4] = "E", (35.0, 13.0, 0.0)
    out = io.BytesIO()
    Image.new("RGB", size, (0, 120, 200)).save(out, "PNG", exif=exif)
    return out.getvalue()


def bomb_png(side=30_000):
    """A PNG that declares side × side pixels (900 million) in a few dozen bytes."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\0" * 1000)) + chunk(b"IEND", b""))  # fmt: skip


def zip_bomb():
    """An xlsx-looking zip whose one member unpacks to 40 MB of zeros (a thousand times its
    size)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/workbook.xml", "w", force_zip64=True) as member:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(40):
                member.write(chunk)
    return out.getvalue()


PHP_AS_PDF = b"<?php system($_GET['c']); ?>\n<html><body>hi</body></html>"
SVG_WITH_SCRIPT = (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg">'
                   b"<script>alert(1)</script></svg>")  # fmt: skip
