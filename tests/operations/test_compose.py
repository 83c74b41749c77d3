"""docker-compose.yml describes the production shape, and docker compose accepts it."""

import shutil
import subprocess

import yaml
from django.conf import settings


def test_compose_accepts_the_file_and_every_service_has_a_health_check():
    binary = shutil.which("docker-compose")
    assert binary, "docker-compose is needed to validate docker-compose.yml (apt-get install docker-compose)"
    result = subprocess.run([binary, "-f", "docker-compose.yml", "config"], cwd=settings.BASE_DIR,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    config = yaml.safe_load(result.stdout)
    services = config["services"]
    assert set(services) == {"db", "redis", "web", "worker", "beat"}
    for name, service in services.items():
        assert service.get("healthcheck", {}).get("test"), f"{name} has no health check"
    assert "pgdata" in config["volumes"]
    assert "gunicorn" in " ".join(services["web"]["command"])
    assert services["worker"]["command"][:4] == ["celery", "-A", "partnership", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "partnership", "beat"]
