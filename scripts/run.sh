#!/usr/bin/env bash
# README command one: install, prepare the embedded default (SQLite, SQLite-backed Celery broker)
# and run web, worker, beat and a stand-in hub receiver as one process group (Ctrl-C stops all).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh requirements.txt

if [ ! -f .env ]; then
  secret_key=$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(50))')
  webhook_secret=$(.venv/bin/python -c 'import base64, secrets; print("whsec_" + base64.b64encode(secrets.token_bytes(32)).decode())')
  cat > .env <<ENV
# Development settings written by 'make run'. Production sets these in the environment instead.
DEBUG=true
SECRET_KEY=$secret_key
BASE_URL=http://127.0.0.1:8000
HUB_WEBHOOK_URL=http://127.0.0.1:8001/webhooks
HUB_WEBHOOK_SECRET=$webhook_secret
ENV
fi

.venv/bin/python manage.py migrate --no-input -v0
.venv/bin/python manage.py seed
.venv/bin/python manage.py collectstatic --no-input -v0

if [ ! -f .bootstrap-demo ]; then
  password=$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(12))')
  moderator_token=$(.venv/bin/python manage.py create_staff demo-moderator --role moderator --password "$password")
  reviewer_token=$(.venv/bin/python manage.py create_staff demo-reviewer --role appeal_reviewer --password "$password")
  # An appeal goes to someone who took no part in the decision: a second reviewer means the demo
  # never dead-ends when demo-reviewer has decided or approved the decision appealed.
  senior_token=$(.venv/bin/python manage.py create_staff demo-senior --role appeal_reviewer --password "$password")
  hub_key=$(.venv/bin/python manage.py create_hub_key demo-hub)
  cat <<MSG | tee .bootstrap-demo

  Demo credentials (shown once; also kept in .bootstrap-demo, which git ignores):
    console      http://127.0.0.1:8000/console/   demo-moderator / $password   (demo-reviewer, demo-senior: same password)
    moderator    API token: $moderator_token
    reviewer     API token: $reviewer_token
    2nd reviewer API token: $senior_token   (for appeals against what demo-reviewer decided or approved)
    hub          integration key: $hub_key

MSG
fi
set -a; . ./.env; set +a
echo "hubmod on http://127.0.0.1:8000  (report form /report/, console /console/, API docs /api/v1/docs/)"
exec .venv/bin/honcho start -f Procfile.dev
