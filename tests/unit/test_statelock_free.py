"""`is_free`: what `stop` waits on before it says a cloud has stopped."""

from __future__ import annotations

import os
from pathlib import Path

from localcloud.statelock import StateLocked, hold, is_free


def test_free_while_never_held_held_while_held_and_free_again_after(tmp_path: Path) -> None:
    assert is_free(tmp_path)  # no lock file yet
    fd = hold(tmp_path, 4566)
    try:
        assert not is_free(tmp_path)
    finally:
        os.close(fd)
    assert is_free(tmp_path)


def test_checking_does_not_keep_the_folder_from_a_cloud(tmp_path: Path) -> None:
    fd = hold(tmp_path, 4566)
    os.close(fd)
    assert is_free(tmp_path)
    fd = hold(tmp_path, 4566)  # the check took nothing it kept
    try:
        try:
            hold(tmp_path, 4567)
        except StateLocked as exc:
            assert "pid" in str(exc) and "4566" in str(exc)
        else:
            raise AssertionError("a second cloud took a held folder")
    finally:
        os.close(fd)
