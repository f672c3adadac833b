#!/usr/bin/env bash
# Set up (first time) and start the app on the shipped data: http://localhost:8501
source "$(dirname "${BASH_SOURCE[0]}")/scripts_env.sh"
exec .venv/bin/python serve.py --server.headless true "$@"
