"""Querysets read into pandas DataFrames without a Python object per value.

Computations over hundreds of thousands of records (the monitoring engine, indicators) read
their inputs here. A DB-API cursor builds a Python object for every value, which costs more
than the computation itself. Instead:

- On PostgreSQL outside a transaction, the rows come as Arrow columns through the ADBC
  driver (binary COPY) on connections of its own, since what is committed is all there is
  to see.
- Otherwise the database renders the rows as text that pandas' C parser reads: SQLite one
  JSON array per column, PostgreSQL the rows in one delimited value (string_agg). Inside a
  transaction this runs on the transaction's connection, which alone sees its uncommitted
  rows. SQLite is never read through ADBC: its driver carries a second copy of the SQLite
  library, and two copies in one process break each other's file locks (a reader may see
  old pages).

Other databases fall back to the cursor. Writing goes the other way: COPY on PostgreSQL, one
prepared statement in batches on SQLite.
"""

import csv
import io
import json
import threading
from concurrent.futures import ThreadPoolExecutor

import adbc_driver_postgresql.dbapi
import pandas as pd
import pyarrow
import pyarrow.csv as pyarrow_csv
from django.core.exceptions import EmptyResultSet
from django.db import connection, connections
from django.db.models import QuerySet
from psycopg.conninfo import make_conninfo

FIELD_SEPARATOR = "\x1f"  # ASCII unit separator: never in codes, names or numbers
RECORD_SEPARATOR = "\x1e"  # ASCII record separator
_FLOAT_TYPES = {"DecimalField", "FloatField"}
_READ_TYPES = {"float": "float64", "int": "Int64"}
_TRUE_TEXTS = ["1", "t", "true", "True"]
# How each kind of column is selected for Arrow, so every value of a column has one type.
_ARROW_CASTS = {"float": "{}::float8", "int": "{}::int8", "bool": "{}::bool", "text": "{}::text"}
# Connection parameters Django passes to psycopg that are not libpq's.
_PSYCOPG_ONLY = {"context", "cursor_factory", "prepare_threshold", "autocommit", "row_factory"}
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
    if using is None and _arrow_reads_committed_rows():
        with ArrowReads.of_connection() as arrow:
            return arrow.prepare(queryset, columns)()
    database = using or connection
    kinds = {name: _kind(queryset.model, name) for name in columns}
    sql, params = _sql(queryset, columns)
    if sql is None:
        frame = _parse("", columns, kinds)
    elif database.vendor == "sqlite":
        frame = _sqlite_columns(database, sql, params, columns, kinds)
    elif database.vendor == "postgresql":
        frame = _parse(_aggregated_text(database, sql, params, len(columns)), columns, kinds)
    else:
        with database.cursor() as cursor:
            cursor.execute(sql, params)
            frame = pd.DataFrame.from_records(cursor.fetchall(), columns=columns)
    return _typed(frame, kinds)


def read_frames(reads: dict[str, tuple[QuerySet, list[str]]]) -> dict[str, pd.DataFrame]:
    """Several `read_frame`s at once. Outside a transaction they run two at a time on
    connections of their own, since the drivers read without holding the interpreter;
    inside one they run in turn on the transaction's connection."""
    if not _outside_transaction() or connection.vendor not in ("sqlite", "postgresql"):
        return {name: read_frame(qs, columns) for name, (qs, columns) in reads.items()}
    if connection.vendor == "postgresql":
        with ArrowReads.of_connection() as arrow, ThreadPoolExecutor(max_workers=2) as pool:
            prepared = {name: arrow.prepare(qs, columns) for name, (qs, columns) in reads.items()}
            frames = pool.map(lambda read: read(), prepared.values())
            return dict(zip(prepared, frames, strict=True))
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


def _sql(queryset: QuerySet, columns: list[str]):
    """The SELECT of `columns` and its parameters; (None, None) for a query that cannot
    match any row."""
    if not queryset.query.order_by:
        queryset = queryset.order_by()  # a model's default ordering costs a sort, even a join
    try:
        return queryset.values_list(*columns).query.sql_with_params()
    except EmptyResultSet:
        return None, None


def _outside_transaction() -> bool:
    """Whether another connection sees what this one sees."""
    return not connection.in_atomic_block and connection.get_autocommit()


def _arrow_reads_committed_rows() -> bool:
    return connection.vendor == "postgresql" and _outside_transaction()


class ArrowReads:
    """Reads from PostgreSQL through the ADBC driver, each thread on a connection of its
    own, opened on first use and closed with the context. Queries are prepared on the
    calling thread, which alone asks Django's connection anything."""

    def __init__(self, conninfo: str):
        self.conninfo = conninfo
        self._local = threading.local()
        self._opened = []
        self._lock = threading.Lock()

    @classmethod
    def of_connection(cls) -> "ArrowReads":
        params = connection.get_connection_params()
        return cls(make_conninfo("", **{k: v for k, v in params.items() if k not in _PSYCOPG_ONLY}))

    def __enter__(self) -> "ArrowReads":
        return self

    def __exit__(self, *exc_info) -> None:
        for database in self._opened:
            database.close()

    def prepare(self, queryset: QuerySet, columns: list[str]):
        """A call returning the queryset's `columns` as `read_frame` does."""
        kinds = {name: _kind(queryset.model, name) for name in columns}
        sql, params = _sql(queryset, columns)
        if sql is None:
            return lambda: _typed(_parse("", columns, kinds), kinds)
        names = ", ".join(f"c{i}" for i in range(len(columns)))
        selected = ", ".join(
            _ARROW_CASTS[kinds[name]].format(f"c{i}") for i, name in enumerate(columns)
        )
        # The driver binds no Decimal: the parameters are rendered as literals by psycopg.
        query = connection.ops.compose_sql(
            f"WITH q({names}) AS ({sql}) SELECT {selected} FROM q", params
        )

        def read() -> pd.DataFrame:
            with self._database().cursor() as cursor:
                cursor.execute(query)
                table = cursor.fetch_arrow_table()
            frame = table.rename_columns(columns).to_pandas(
                types_mapper={pyarrow.int64(): pd.Int64Dtype()}.get
            )
            return _typed(frame, kinds)

        return read

    def _database(self):
        database = getattr(self._local, "database", None)
        if database is None:
            database = self._local.database = adbc_driver_postgresql.dbapi.connect(self.conninfo)
            with self._lock:
                self._opened.append(database)
        return database


def _sqlite_columns(database, sql: str, params, columns, kinds) -> pd.DataFrame:
    """The query's columns, each rendered by SQLite as one JSON array in a single pass.
    JSON arrays cost SQLite far less than printf per row, and unlike printf they run
    side by side on two connections without contending for SQLite's allocator."""
    names = ", ".join(f"c{i}" for i in range(len(columns)))
    arrays = ", ".join(f"json_group_array(c{i})" for i in range(len(columns)))
    with database.cursor() as cursor:
        cursor.execute(f"WITH q({names}) AS ({sql}) SELECT count(*), {arrays} FROM q", params)
        count, *texts = cursor.fetchone()
    if not count:
        return _parse("", columns, kinds)
    frame = {}
    for name, text in zip(columns, texts, strict=True):
        if kinds[name] == "text":
            frame[name] = pd.Series(json.loads(text), dtype=object)
        else:
            # A JSON array of numbers is one CSV record with commas for line ends.
            frame[name] = pd.read_csv(
                io.StringIO(text[1:-1]),
                lineterminator=",",
                header=None,
                names=[name],
                dtype=_READ_TYPES.get(kinds[name], "Int64"),
                keep_default_na=False,
                na_values=["null"],
                engine="c",
            )[name]
    return pd.DataFrame(frame)


def _aggregated_text(database, sql: str, params, width: int) -> str:
    """The query's rows as one text value: fields joined by the unit separator, rows by the
    record separator, NULL as an empty field. Numbers are rendered as the database keeps
    them (pandas reads '1234.50' as a float)."""
    names = ", ".join(f"c{i}" for i in range(width))
    row = " || chr(31) || ".join(f"COALESCE(c{i}::text, '')" for i in range(width))
    wrapped = f"WITH q({names}) AS ({sql}) SELECT string_agg({row}, chr(30)) FROM q"
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
        skip_blank_lines=False,  # a row of one NULL column is an empty line
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
            values = column.astype("object")
            frame[name] = values.where(values.notna() & (values != ""), None)
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
