"""Querysets read into pandas DataFrames without a Python object per value.

Computations over hundreds of thousands of records (the monitoring engine, indicators) read
their inputs here. A DB-API cursor builds a Python object for every value, which costs more
than the computation itself; instead the database renders the rows as delimited text in one
value (SQLite's group_concat, PostgreSQL's string_agg), and pandas' C parser reads it. Both
run on Django's own connection, so they see the current transaction. Other databases fall
back to the cursor. Writing goes the other way: COPY on PostgreSQL, one prepared statement
in batches on SQLite.
"""

import csv
import io
from concurrent.futures import ThreadPoolExecutor

import pandas as pd
import pyarrow
import pyarrow.csv as pyarrow_csv
from django.core.exceptions import EmptyResultSet
from django.db import connection, connections
from django.db.models import QuerySet

FIELD_SEPARATOR = "\x1f"  # ASCII unit separator: never in codes, names or numbers
RECORD_SEPARATOR = "\x1e"  # ASCII record separator
_FLOAT_TYPES = {"DecimalField", "FloatField"}
_READ_TYPES = {"float": "float64", "int": "Int64"}
_TRUE_TEXTS = ["1", "t", "true", "True"]
_INT_TYPES = {
    "AutoField",
    "BigAutoField",
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "PositiveBigIntegerField",
}


def _kind(model, name: str) -> str:
    """'float', 'int', 'bool' or 'text': how a selected column is read back."""
    field = model._meta.get_field(name)
    if field.is_relation:
        field = field.target_field
    kind = field.get_internal_type()
    if kind in _FLOAT_TYPES:
        return "float"
    if kind in _INT_TYPES:
        return "int"
    if kind == "BooleanField":
        return "bool"
    return "text"


def read_frame(queryset: QuerySet, columns: list[str], *, using=None) -> pd.DataFrame:
    """The queryset's `columns` (field names or attnames such as 'enterprise_id') as a
    DataFrame: decimals and floats as float64 (NaN for NULL), integers as Int64, booleans as
    bool, everything else as str (None for NULL or empty text). Rows come in the order the
    queryset states explicitly, and unsorted otherwise. `using` is another connection to the
    same database (see `read_frames`)."""
    database = using or connection
    model = queryset.model
    if not queryset.query.order_by:
        queryset = queryset.order_by()  # a model's default ordering costs a sort, even a join
    kinds = {name: _kind(model, name) for name in columns}
    try:
        sql, params = queryset.values_list(*columns).query.sql_with_params()
    except EmptyResultSet:
        return _typed(_parse("", columns, kinds), kinds)
    if database.vendor in ("sqlite", "postgresql"):
        text = _aggregated_text(database, sql, params, len(columns))
        frame = _parse(text, columns, kinds)
    else:
        with database.cursor() as cursor:
            cursor.execute(sql, params)
            frame = pd.DataFrame.from_records(cursor.fetchall(), columns=columns)
    return _typed(frame, kinds)


def read_frames(reads: dict[str, tuple[QuerySet, list[str]]]) -> dict[str, pd.DataFrame]:
    """Several `read_frame`s at once. Outside a transaction they run two at a time on
    connections of their own, since the database renders the text without holding the
    interpreter; inside one they run in turn on the transaction's connection, which alone
    sees its uncommitted rows."""
    if connection.in_atomic_block or connection.vendor not in ("sqlite", "postgresql"):
        return {name: read_frame(qs, columns) for name, (qs, columns) in reads.items()}
    alias = connection.alias

    def read(item):
        name, (queryset, columns) = item
        database = connections.create_connection(alias)
        try:
            return name, read_frame(queryset, columns, using=database)
        finally:
            database.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(pool.map(read, reads.items()))


def _aggregated_text(database, sql: str, params, width: int) -> str:
    """The query's rows as one text value: fields joined by the unit separator, rows by the
    record separator, NULL as an empty field. Numbers are rendered as the database keeps
    them (pandas reads '1234.50' as a float)."""
    names = ", ".join(f"c{i}" for i in range(width))
    if database.vendor == "sqlite":
        # printf renders NULL as empty text, in one call per row; %% survives the driver's
        # placeholder conversion as %.
        pattern = "%%s" + "\x1f%%s" * (width - 1)
        row = f"printf('{pattern}', {names})"
        aggregate = f"group_concat({row}, char(30))"
    else:
        row = " || chr(31) || ".join(f"COALESCE(c{i}::text, '')" for i in range(width))
        aggregate = f"string_agg({row}, chr(30))"
    wrapped = f"WITH q({names}) AS ({sql}) SELECT {aggregate} FROM q"
    with database.cursor() as cursor:
        cursor.execute(wrapped, params)
        (text,) = cursor.fetchone()
    return text or ""


def _parse(text: str, columns, kinds) -> pd.DataFrame:
    if not text:
        return pd.DataFrame({name: pd.Series(dtype="object") for name in columns})
    return pd.read_csv(
        io.StringIO(text),
        sep=FIELD_SEPARATOR,
        lineterminator=RECORD_SEPARATOR,
        header=None,
        names=columns,
        dtype={name: _READ_TYPES.get(kinds[name], "object") for name in columns},
        keep_default_na=False,
        na_values={name: [""] for name in columns},
        quoting=csv.QUOTE_NONE,
        engine="c",
    )


def _typed(frame: pd.DataFrame, kinds: dict[str, str]) -> pd.DataFrame:
    for name, kind in kinds.items():
        column = frame[name]
        if kind == "float":
            frame[name] = pd.to_numeric(column, errors="coerce").astype("float64")
        elif kind == "int":
            frame[name] = pd.to_numeric(column, errors="coerce").astype("Int64")
        elif kind == "bool":
            truth = column.astype("object").isin([*_TRUE_TEXTS, True, 1]).astype("boolean")
            truth[column.isna()] = pd.NA
            frame[name] = truth
        else:
            frame[name] = column.astype("object").where(column.notna(), None)
    return frame


def write_frame(model, frame: pd.DataFrame, *, batch: int = 20_000) -> None:
    """Insert a DataFrame's rows into `model`'s table, the frame's columns named as the
    table's. For derived rows written by the hundred thousand (no signals, no history):
    PostgreSQL copies them in, SQLite takes them in batches of one prepared statement.
    JSON columns must already hold their JSON text."""
    if frame.empty:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in frame.columns)
    if connection.vendor == "postgresql":
        statement = f"COPY {table} ({names}) FROM STDIN WITH (FORMAT csv)"
        # Every value quoted, so an empty string stays empty; only missing values are NULL.
        buffer = io.BytesIO()
        pyarrow_csv.write_csv(
            pyarrow.Table.from_pandas(frame, preserve_index=False),
            buffer,
            pyarrow_csv.WriteOptions(include_header=False, quoting_style="all_valid"),
        )
        with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
            copy.write(buffer.getbuffer())
        return
    sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(frame.columns))})"
    with connection.cursor() as cursor:
        for start in range(0, len(frame), batch):
            chunk = frame.iloc[start : start + batch]
            chunk = chunk.astype(object).where(chunk.notna(), None)  # NULL for NaN and NA
            cursor.executemany(sql, list(chunk.itertuples(index=False, name=None)))
