"""Uploads: no more of a file is kept than the largest size a form accepts; its size stays the size sent."""
from laaffic_site.uploads import MB, CappedUploadHandler


def test_a_file_past_the_largest_limit_is_counted_but_not_kept(settings):
    settings.CALLEE_IMPORT_MAX_MB, settings.VOICE_FILE_MAX_MB = 1, 2
    handler = CappedUploadHandler()
    handler.new_file("audio", "huge.wav", "audio/wav", None)
    received, chunk = 0, b"\x01" * (64 * 1024)
    while received < 5 * MB:  # what Django's multipart parser does with each chunk
        handler.receive_data_chunk(chunk, received)
        received += len(chunk)
    upload = handler.file_complete(received)
    assert upload.size == 5 * MB
    assert len(upload.read()) == 2 * MB
    upload.close()


def test_a_file_within_the_limit_is_kept_whole(settings):
    settings.CALLEE_IMPORT_MAX_MB = settings.VOICE_FILE_MAX_MB = 1
    handler = CappedUploadHandler()
    handler.new_file("file", "list.csv", "text/csv", None)
    content = b"phone\n" + b"34612345679\n" * 80_000  # 0.9 MB
    for start in range(0, len(content), 65536):
        handler.receive_data_chunk(content[start:start + 65536], start)
    upload = handler.file_complete(len(content))
    assert (upload.size, upload.read()) == (len(content), content)
    upload.close()
