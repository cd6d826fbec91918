"""Fuzz values as the worker sends them (src/common/fuzz-value.ts), made Python values, and the
text they carry: the taint the oracles look for. Pure: the supervisor decodes each input too."""


def decode(value):
    """Typed fuzz value -> Python value."""
    kind = value["type"]
    if kind == "int":
        return int(value["value"])
    if kind == "float":
        special = {"nan": float("nan"), "inf": float("inf"), "-inf": float("-inf")}
        raw = value["value"]
        return special[raw] if isinstance(raw, str) else float(raw)
    if kind == "str":
        return value["value"]
    if kind == "bytes":
        return bytes.fromhex(value["hex"])
    if kind == "bool":
        return bool(value["value"])
    if kind == "none":
        return None
    if kind == "list":
        return [decode(item) for item in value["items"]]
    if kind == "dict":
        return {entry["key"]: decode(entry["value"]) for entry in value["entries"]}
    raise ValueError("unknown fuzz value type %r" % kind)


def strings(value, out):
    """Every string an input carries, whole (bytes as latin-1)."""
    if isinstance(value, bytes):
        out.append(value.decode("latin-1"))
    elif isinstance(value, str):
        out.append(value)
    elif isinstance(value, list):
        for item in value:
            strings(item, out)
    elif isinstance(value, dict):
        for key, item in value.items():
            strings(key, out)
            strings(item, out)
    return out


def fragments(texts):
    """The text inputs carry, to recognise it when it reaches a dangerous call (taint)."""
    return [text[:64] for text in texts if len(text) >= 3]
