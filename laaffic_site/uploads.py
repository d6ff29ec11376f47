"""Uploads are kept on disk up to the largest size a form accepts, never whole in memory."""
from django.conf import settings
from django.core.files.uploadhandler import TemporaryFileUploadHandler

MB = 1024 * 1024


class CappedUploadHandler(TemporaryFileUploadHandler):
    """Writes a file to a temporary file until it passes the largest upload limit, then only counts it.

    Django still sets the file's `size` to every byte received, so the form refuses it
    by name and size, without the site storing or reading hundreds of megabytes first.
    """

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > max(settings.CALLEE_IMPORT_MAX_MB, settings.VOICE_FILE_MAX_MB) * MB:
            return None
        return super().receive_data_chunk(raw_data, start)
