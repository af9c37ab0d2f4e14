# Stand-in for postgres:16 (deploy/local-images.sh): Debian's PostgreSQL 15, set up on
# first start from POSTGRES_USER, POSTGRES_PASSWORD and POSTGRES_DB (postgres-entrypoint.sh).
FROM archive-ocr-local/debian:bookworm
RUN apt-get update \
 && apt-get install -y --no-install-recommends postgresql-15 \
 && rm -rf /var/lib/apt/lists/*
ENV PATH=/usr/lib/postgresql/15/bin:$PATH PGDATA=/var/lib/postgresql/data
COPY postgres-entrypoint.sh /usr/local/bin/
ENTRYPOINT ["postgres-entrypoint.sh"]
