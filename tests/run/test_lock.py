import logging
import os
import socket

import pytest

from gan_pipeline.run.lock import TrainingLock, TrainingRunningError


def test_a_second_holder_is_refused_with_the_first_named(tmp_path):
    first, second = TrainingLock(tmp_path), TrainingLock(tmp_path)
    first.acquire()
    holder = f"pid={os.getpid()} host={socket.gethostname()}"
    with pytest.raises(TrainingRunningError, match=f"another training is running .*{holder}"):
        second.acquire()
    first.release()
    assert first.path.read_text() == ""
    second.acquire()
    second.release()


def test_a_lock_left_by_a_dead_process_is_taken_over_with_a_warning(tmp_path, caplog):
    lock = TrainingLock(tmp_path)
    lock.path.write_text("pid=999999999 host=gone\n")  # what a killed holder leaves
    with caplog.at_level(logging.WARNING):
        lock.acquire()
    assert "left by a process that no longer runs (pid=999999999 host=gone)" in caplog.text
    assert f"pid={os.getpid()}" in lock.path.read_text()
    lock.release()
