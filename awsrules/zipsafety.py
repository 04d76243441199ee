"""Which zip entries may be extracted: Lambda's unzipped-size limit and no
entry that escapes the function's folder. The wizard checks a package with
it before upload and the local cloud again before it extracts one."""

from __future__ import annotations

import zipfile
from pathlib import PurePosixPath

MAX_UNZIPPED_BYTES = 250 * 1024 * 1024  # Lambda quota: deployment package, unzipped


class UnsafeArchive(ValueError):
    """str() says which entry or limit is the problem."""


def safe_names(archive: zipfile.ZipFile) -> list[str]:
    """Entry names, refusing any that would land outside the extraction
    folder (absolute paths, `..`, drive letters) and oversized archives."""
    total = 0
    names = []
    for info in archive.infolist():
        path = PurePosixPath(info.filename.replace("\\", "/"))
        if path.is_absolute() or ".." in path.parts or (path.parts and ":" in path.parts[0]):
            raise UnsafeArchive(f"zip entry {info.filename!r} would be written outside the function's folder")
        total += info.file_size
        names.append(info.filename)
    if total > MAX_UNZIPPED_BYTES:
        raise UnsafeArchive("the unzipped code is over 250 MB, Lambda's limit")
    return names
