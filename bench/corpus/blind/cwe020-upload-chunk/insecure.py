"""Reassembles resumable uploads from the chunks a client sends."""

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
    header and chunk is the request body. The buffer is later written to
    the storage bucket as the finished file; the function returns the
    offset the client should send next.
    """
    offset = int(upload_offset)
    if offset + len(chunk) > len(buffer):
        raise ValueError("chunk runs past the declared upload size")
    buffer[offset:offset + len(chunk)] = chunk
    return offset + len(chunk)
