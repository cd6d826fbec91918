"""Fast row parsers for the customer CSV import feature."""

from datetime import date
from decimal import Decimal

_CONVERTERS = {
    "int": "int",
    "float": "float",
    "Decimal": "Decimal",
    "date": "date",
    "str": "str",
}


def build_row_parser_source(column_types):
    """Generate the Python source of ``parse_row(values)`` for an import.

    ``column_types`` maps each column name to a type name (``int``,
    ``float``, ``Decimal``, ``date``, ``str``); both come from the header and
    "types" lines of the CSV file a customer uploaded. The returned source is
    compiled and executed by ``load_row_parser()``.
    """
    lines = ["def parse_row(values):", "    return {"]
    for index, (column, type_name) in enumerate(column_types.items()):
        if not isinstance(column, str):
            raise TypeError("column names must be strings")
        converter = _CONVERTERS.get(type_name)
        if converter is None:
            raise ValueError(f"unsupported column type {type_name!r}")
        lines.append(f"        {column!r}: {converter}(values[{index}]),")
    lines.append("    }")
    return "\n".join(lines)


def load_row_parser(column_types):
    """Compile the generated parser and return the ``parse_row`` function."""
    namespace = {"Decimal": Decimal, "date": date.fromisoformat}
    exec(compile(build_row_parser_source(column_types), "<row-parser>", "exec"), namespace)
    return namespace["parse_row"]
