# The production image: gunicorn for the web, the same image for the Celery worker and beat.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 MEDIA_ROOT=/var/lib/hubmod/media
# A user of its own with a fixed uid and gid: files it writes to a volume keep the same owner
# across rebuilds, hosts and the web and worker containers that share the volume.
RUN groupadd --system --gid 10001 hubmod \
 && useradd --system --uid 10001 --gid hubmod --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin hubmod
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN SECRET_KEY=collectstatic python manage.py collectstatic --no-input -v0
# Evidence files (MEDIA_ROOT): the code stays root's and read-only, this directory is the user's.
# An empty named volume mounted here takes this owner and mode when first used (docker-compose.yml).
RUN install -d -o hubmod -g hubmod -m 0750 /var/lib/hubmod/media
USER hubmod
EXPOSE 8000
CMD ["gunicorn", "hubmod.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "4", "--access-logfile", "-"]
