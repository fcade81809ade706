"""The few statements the importer runs often enough that Django's ORM overhead shows.

bulk_create compiles every value of every row through the query compiler; for 100,000
rows that costs more than the database does. These functions prepare values the same way
(Field.pre_save and get_db_prep_save) and hand them to executemany. Nothing else differs:
the tables, columns and conversions are the model's own.
"""

from itertools import islice

from django.db import connection


def chunked(items, size):
    """The items in lists of at most `size`: for batches of rows and bounded IN (...) lists."""
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _quote(name):
    return connection.ops.quote_name(name)


def insert(model, instances):
    """INSERT the instances (without ids) in one executemany."""
    if not instances:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(_quote(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {_quote(model._meta.db_table)} ({columns}) VALUES ({placeholders})"
    rows = [
        [f.get_db_prep_save(f.pre_save(instance, True), connection) for f in fields] for instance in instances
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def insert_links(through, source_column, target_column, pairs):
    """INSERT many-to-many rows (source id, target id)."""
    if not pairs:
        return
    sql = (
        f"INSERT INTO {_quote(through._meta.db_table)} ({_quote(source_column)}, {_quote(target_column)}) "
        "VALUES (%s, %s)"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, pairs)


def matching_rows(model, fields, value_tuples):
    """(pk, *values) of the rows whose fields equal one of the tuples, in one query."""
    if not value_tuples:
        return []
    pk = model._meta.pk
    columns = [_quote(f.column) for f in fields]
    if len(fields) == 1:
        condition = f"{columns[0]} IN ({', '.join(['%s'] * len(value_tuples))})"
    else:
        row = "(" + ", ".join(["%s"] * len(fields)) + ")"
        condition = f"({', '.join(columns)}) IN (VALUES {', '.join([row] * len(value_tuples))})"
    params = [
        f.get_db_prep_value(value, connection)
        for values in value_tuples
        for f, value in zip(fields, values, strict=True)
    ]
    table = _quote(model._meta.db_table)
    sql = f"SELECT {_quote(pk.column)}, {', '.join(columns)} FROM {table} WHERE {condition}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [
        (pk.to_python(row[0]), *(f.to_python(value) for f, value in zip(fields, row[1:], strict=True)))
        for row in rows
    ]
