"""Alembic environment: uses the engine handed over by store.db (or the URL in the config)."""

from alembic import context
from sqlalchemy import create_engine

from store.models import Base

config = context.config
target_metadata = Base.metadata


# Tables other libraries own (APScheduler's job store) are not part of our schema: autogenerate leaves them alone.
FOREIGN_TABLES = {"apscheduler_jobs", "apscheduler_model_jobs"}


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    return not (type_ == "table" and name in FOREIGN_TABLES)


def run_migrations_online() -> None:
    engine = config.attributes.get("engine") or create_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata,
                          render_as_batch=connection.dialect.name == "sqlite", include_object=include_object)
        with context.begin_transaction():
            if connection.dialect.name == "postgresql":
                # Replicas starting together upgrade one at a time (per schema); the lock ends with the transaction.
                connection.exec_driver_sql("SELECT pg_advisory_xact_lock(hashtext(current_schema() || ':autovolt-migrations'))")
            context.run_migrations()
        connection.commit()


run_migrations_online()
