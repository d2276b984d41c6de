#!/usr/bin/env bash
# `make run`: upgrade the database, load the demo data when empty, start a worker when Redis
# answers, serve on 127.0.0.1:5000. Ctrl-C stops everything this script started.
set -euo pipefail
cd "$(dirname "$0")/.."
export FLASK_APP=app
export TZ=${TZ:-Europe/Paris}  # gunicorn's own lines in Paris time too, like the application's (app/timeutil.py)
BIN=.venv/bin
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-5000}

$BIN/flask db upgrade
$BIN/flask demo load --if-empty

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

if $BIN/python -c "import sys; from app import create_app; from app.jobs.queue import redis_available; sys.exit(0 if redis_available(create_app()) else 1)" 2>/dev/null; then
  $BIN/flask worker &
  pids+=($!)
  echo "Worker démarré (Redis : ${REDIS_URL:-redis://127.0.0.1:6379/0})."
else
  echo "Redis ne répond pas : les tâches s'exécuteront dans le processus web."
fi

cat <<MSG

  Relais est servi sur http://$HOST:$PORT
  Identifiants de démonstration (mot de passe : relais-demo-2017) :
    guichet    agent d'accueil, Mairie du 2e      guichet12  agent d'accueil, Mairie du 12e
    tel3975    téléconseiller 3975                famille    agent Facil'Familles
    manager    responsable (tableaux de bord)     admin      administrateur
  Ctrl-C pour tout arrêter.

MSG
$BIN/gunicorn --bind "$HOST:$PORT" --workers 2 --threads 4 --access-logfile - \
  --logger-class app.web.accesslog.MaskingLogger "app:create_app()" &
pids+=($!)
wait "${pids[-1]}"
