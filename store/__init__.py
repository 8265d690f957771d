"""Persistence: SQLAlchemy schema, sessions, Alembic migrations, and the campus registry."""
