"""Reassembles resumable uploads from the chunks a client sends."""
import re

MAX_UPLOAD = 64 * 1024 * 1024


def new_upload_buffer(declared_size):
    """Allocate the buffer for an upload of declared_size bytes."""
    size = int(declared_size)
    if not 0 < size <= MAX_UPLOAD:
        raise ValueError("bad upload size")
    return bytearray(size)


def write_chunk(buffer, upload_offset, chunk):
    """Copy one received chunk into the upload buffer at upload_offset.

    upload_offset is the raw value of the client's Upload-Offset request
    header and chunk is the request body. The header must be a plain
    non-negative decimal and the chunk must fit entirely inside the buffer.
    The buffer is later written to the storage bucket as the finished file;
    the function returns the offset the client should send next.
    """
    if not isinstance(upload_offset, str) or not re.fullmatch(r"[0-9]{1,10}", upload_offset):
        raise ValueError("Upload-Offset must be a non-negative integer")
    offset = int(upload_offset)
    end = offset + len(chunk)
    if not 0 <= offset < end <= len(buffer):
        raise ValueError("chunk does not fit inside the declared upload")
    buffer[offset:end] = chunk
    return end
