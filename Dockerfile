FROM python:3.12-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml ./
COPY partnership partnership
COPY accounts accounts
COPY commitments commitments
COPY dialogues dialogues
COPY reports reports
COPY returns returns
COPY audit audit
RUN pip install --no-cache-dir .
COPY . .
RUN DEBUG=false SECRET_KEY=collectstatic-only STATIC_MANIFEST=true python manage.py collectstatic --no-input \
    && useradd --create-home --uid 1000 tracker && mkdir -p /app/var && chown tracker /app/var
USER tracker
EXPOSE 8000
CMD ["gunicorn", "partnership.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--worker-class", "gthread", "--threads", "4", "--access-logfile", "-"]
