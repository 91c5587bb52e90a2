"""What a file is, decided by its content: magic bytes (the `filetype` library), the members
of a zip container for the office formats, valid UTF-8 for text. Never by its name or the
browser's claim; a name whose extension says something else is refused, as is markup (HTML,
SVG, XML, PHP) that some browser could run.
"""

import codecs
import io
import re
import unicodedata
import zipfile
from typing import NamedTuple

import filetype
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l


class FileType(NamedTuple):
    media_type: str
    label: object  # shown to members (lazily translated)
    extensions: tuple  # the first is the one a download's name gets when it has none
    icon: str  # a short tag for the file list's icon


TYPES = {
    "pdf": FileType("application/pdf", _l("PDF document"), (".pdf",), "pdf"),
    "docx": FileType("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                     _l("Word document"), (".docx",), "doc"),
    "xlsx": FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                     _l("Excel spreadsheet"), (".xlsx",), "sheet"),
    "pptx": FileType("application/vnd.openxmlformats-officedocument.presentationml.presentation",
                     _l("PowerPoint presentation"), (".pptx",), "slides"),
    "odt": FileType("application/vnd.oasis.opendocument.text", _l("OpenDocument text"),
                    (".odt",), "doc"),
    "ods": FileType("application/vnd.oasis.opendocument.spreadsheet",
                    _l("OpenDocument spreadsheet"), (".ods",), "sheet"),
    "odp": FileType("application/vnd.oasis.opendocument.presentation",
                    _l("OpenDocument presentation"), (".odp",), "slides"),
    "csv": FileType("text/csv", _l("CSV table"), (".csv",), "sheet"),
    "txt": FileType("text/plain", _l("Plain text"), (".txt", ".text", ".md", ".log"), "text"),
    "png": FileType("image/png", _l("PNG image"), (".png",), "image"),
    "jpeg": FileType("image/jpeg", _l("JPEG image"), (".jpg", ".jpeg", ".jpe"), "image"),
    "webp": FileType("image/webp", _l("WebP image"), (".webp",), "image"),
}  # fmt: skip
BY_MEDIA_TYPE = {file_type.media_type: key for key, file_type in TYPES.items()}
IMAGE_TYPES = ("png", "jpeg", "webp")
# Extensions of kinds the forum knows and never accepts: a file named so is refused even when
# its content would pass as something else.
FOREIGN_EXTENSIONS = {".html", ".htm", ".xhtml", ".svg", ".svgz", ".xml", ".php", ".phtml",
                      ".js", ".mjs", ".exe", ".bat", ".cmd", ".sh", ".jar", ".docm", ".xlsm",
                      ".pptm", ".zip"}  # fmt: skip
_ODF = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
    b"application/vnd.oasis.opendocument.presentation": "odp",
}
_OOXML = {"word/document.xml": "docx", "xl/workbook.xml": "xlsx", "ppt/presentation.xml": "pptx"}
# A zip whose members would unpack past these is a zip bomb, whatever its members claim.
ZIP_MAX_MEMBERS = 5000
ZIP_MAX_UNPACKED = 300 * 1024 * 1024
ZIP_MAX_RATIO = 150  # unpacked / packed, over the whole archive (office files: under 20)
# Text that a browser would read as markup if it ever were served as such.
_MARKUP = re.compile(rb"^\s*<(?:!doctype|html|head|body|script|svg|\?xml|\?php|\?=|iframe)",
                     re.IGNORECASE)  # fmt: skip
_MARKUP_ANYWHERE = re.compile(rb"<(?:script|svg|html|iframe|\?php)\b", re.IGNORECASE)
# Control characters and bidirectional overrides, which can make "exe.pdf" read as "fdp.exe".
_INVISIBLE = re.compile("[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


class RefusedFile(ValueError):
    """The file is not accepted; the message says why, for the member."""


def identify(data, name, allowed):
    """The type key of the file's content, or RefusedFile. `allowed`: the accepted type keys."""
    if not data:
        raise RefusedFile(_("The file is empty."))
    kind = _kind_of(data)
    if kind is None:
        raise RefusedFile(_("This kind of file is not accepted."))
    extension = _extension(name)
    if kind == "txt" and extension == ".csv":
        kind = "csv"  # both are text: the name only says which table-or-prose it is
    if extension in FOREIGN_EXTENSIONS:
        raise RefusedFile(_("Files named %(extension)s are not accepted.", extension=extension))
    claimed = _type_of_extension(extension)
    if claimed is not None and claimed != kind:
        raise RefusedFile(
            _("The file is named %(extension)s but its content is a %(kind)s; rename it or "
              "choose the right file.", extension=extension, kind=TYPES[kind].label)
        )  # fmt: skip
    if kind not in allowed:
        raise RefusedFile(_("Files of this type (%(kind)s) are not accepted.",
                            kind=TYPES[kind].label))  # fmt: skip
    return kind


def _kind_of(data):
    guess = filetype.guess(data[:8192])
    if guess is not None:
        if guess.mime in BY_MEDIA_TYPE and BY_MEDIA_TYPE[guess.mime] in ("pdf", *IMAGE_TYPES):
            return BY_MEDIA_TYPE[guess.mime]
        if data[:4] == b"PK\x03\x04":
            return _office_kind(data)
        return None  # some other binary format: an archive, a program, audio…
    if data[:4] == b"PK\x03\x04":
        return _office_kind(data)
    return "txt" if _is_text(data) else None


def _office_kind(data):
    """docx/xlsx/pptx/odt/ods/odp, told apart by the zip's members; None for any other zip."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise RefusedFile(_("The file is damaged: it could not be opened.")) from None
    unpacked = sum(member.file_size for member in members)
    if (len(members) > ZIP_MAX_MEMBERS or unpacked > ZIP_MAX_UNPACKED
            or unpacked > ZIP_MAX_RATIO * max(len(data), 1)):  # fmt: skip
        raise RefusedFile(_("The file unpacks to far more than its size: it is refused."))
    names = {member.filename for member in members}
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise RefusedFile(_("Documents with macros are not accepted."))
    if "mimetype" in names:
        try:
            return _ODF.get(archive.read("mimetype").strip())
        except (zipfile.BadZipFile, OSError, RuntimeError):
            raise RefusedFile(_("The file is damaged: it could not be opened.")) from None
    if "[Content_Types].xml" in names:
        for member, kind in _OOXML.items():
            if member in names:
                return kind
    return None


def _is_text(data):
    """UTF-8 (with or without a BOM), no NUL, and not markup."""
    if b"\x00" in data:
        return False
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    if _MARKUP.match(data) or _MARKUP_ANYWHERE.search(data[:65536]):
        raise RefusedFile(_("Web pages, SVG pictures and scripts are not accepted."))
    return True


def _extension(name):
    base = display_name(name)
    dot = base.rfind(".")
    return base[dot:].lower() if dot > 0 else ""


def _type_of_extension(extension):
    for key, file_type in TYPES.items():
        if extension in file_type.extensions:
            return key
    return None


def display_name(name, kind=None):
    """The name as members see it: its last path part, without control characters or bidi
    overrides, in Unicode NFC (Arabic letters kept as written), at most 200 characters; the
    type's extension when it has none."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = _INVISIBLE.sub("", name).replace("\\", "/").rsplit("/", 1)[-1].strip().strip(".")
    if len(name) > 200:
        stem, dot, extension = name.rpartition(".")
        name = (stem[: 200 - len(extension) - 1] + dot + extension) if dot else name[:200]
    if kind is not None:
        extensions = TYPES[kind].extensions
        if not name.lower().endswith(extensions):
            name = (name or "file") + extensions[0]
    return name or "file"


def human_size(size):
    """1.5 MB, 300 KB: sizes as members read them, in their language's words and digits."""
    for unit, step in (
        (_l("%(size)s GB"), 1024**3),
        (_l("%(size)s MB"), 1024**2),
        (_l("%(size)s KB"), 1024),
    ):
        if size >= step:
            return str(unit) % {"size": format_decimal(round(size / step, 1), format="#,##0.#")}
    return _("%(size)s bytes", size=format_decimal(size))
