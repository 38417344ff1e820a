#!/usr/bin/env bash
# Builds the engine image that the container tests and `Engine=Container` run where no image registry is reachable:
# a Debian bookworm root file system from debootstrap, with python3 from Debian and this machine's installed moto (and
# exactly the Python distributions that moto[server] needs) copied in. It serves moto.server on port 5000 like the
# public motoserver/moto image, as an unprivileged user; moto's own health path is GET /moto-api/.
#
#   scripts/build-engine-image.sh [IMAGE]     IMAGE defaults to securelambda/moto-engine:<installed moto version>
#
# Idempotent: when IMAGE exists it does nothing. Exit codes: 0 built or present; 3 it cannot run here (no Docker
# engine, no debootstrap, not root, no moto), with the reason on stderr; anything else is a failure of the build.
# Where Docker Hub is reachable, use the public image instead: docker pull motoserver/moto:<version>.
set -euo pipefail

cannot() {
  echo "build-engine-image: cannot run here: $*" >&2
  exit 3
}

command -v python3 >/dev/null 2>&1 || cannot "python3 is not on PATH"
moto_version=$(python3 -c 'import importlib.metadata as m; print(m.version("moto"))' 2>/dev/null) ||
  cannot 'moto is not installed for python3 (pip install "moto[server]")'
image="${1:-securelambda/moto-engine:${moto_version}}"

command -v docker >/dev/null 2>&1 || cannot "docker is not on PATH (apt-get install docker.io)"
docker info >/dev/null 2>&1 || cannot "no Docker engine answers (start dockerd as root, or set DOCKER_HOST)"
if docker image inspect "$image" >/dev/null 2>&1; then
  echo "build-engine-image: $image is present; nothing to do"
  exit 0
fi
command -v debootstrap >/dev/null 2>&1 || cannot "debootstrap is not on PATH (apt-get install debootstrap)"
[ "$(id -u)" -eq 0 ] || cannot "debootstrap needs root"

# The distributions' compiled parts are built for this Python; Debian bookworm's python3 is 3.11.
host_python=$(python3 -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
[ "$host_python" = "3.11" ] || cannot "the installed moto is for Python $host_python, but Debian bookworm's python3 is 3.11"

work=$(mktemp -d)
rootfs="$work/rootfs"
# debootstrap mounts /proc, /sys and /dev inside the root it builds; whatever a failure left mounted there is unmounted
# first, and rm stays on this file system, so that cleaning up can never reach the machine's own /dev.
cleanup() {
  local mounts
  mounts=$(findmnt -rn -o TARGET | grep -F "$rootfs/" | sort -r) || true
  for mount in $mounts; do umount -l "$mount" || true; done
  rm -rf --one-file-system "$work"
}
trap cleanup EXIT

echo "build-engine-image: debootstrap bookworm (minbase, python3)"
debootstrap --variant=minbase --include=python3 bookworm "$rootfs" "${DEBIAN_MIRROR:-http://deb.debian.org/debian}" >"$work/debootstrap.log" 2>&1 || {
  tail -20 "$work/debootstrap.log" >&2
  exit 1
}

echo "build-engine-image: copying moto $moto_version and what moto[server] requires"
site="$rootfs/usr/local/lib/python3.11/dist-packages"
mkdir -p "$site"
# Walks moto[server]'s requirements through the installed distributions' metadata and prints every file each one
# recorded under site-packages (relative to it); tar copies exactly those.
python3 - "$work/files" <<'PY'
import importlib.metadata as metadata
import pathlib
import sys

try:
    from packaging.requirements import Requirement
except ImportError:
    from pip._vendor.packaging.requirements import Requirement

site = None
seen, files = set(), []
pending = [("moto", frozenset({"server"}))]
while pending:
    name, extras = pending.pop()
    key = (name.lower().replace("_", "-"), extras)
    if key in seen:
        continue
    seen.add(key)
    distribution = metadata.distribution(name)
    root = pathlib.Path(distribution.locate_file("")).resolve()
    site = site or root
    for file in distribution.files or []:
        path = pathlib.Path(distribution.locate_file(file)).resolve()
        if path.is_relative_to(site) and path.is_file():
            files.append(str(path.relative_to(site)))
    for text in distribution.requires or []:
        requirement = Requirement(text)
        wanted = requirement.marker is None or any(requirement.marker.evaluate({"extra": extra}) for extra in extras | {""})
        if wanted:
            pending.append((requirement.name, frozenset(requirement.extras)))

pathlib.Path(sys.argv[1]).write_text("\n".join(sorted(set(files))) + "\n")
print(f"build-engine-image: {len(seen)} distributions, {len(set(files))} files from {site}")
PY
site_packages=$(python3 -c 'import importlib.metadata as m, pathlib; print(pathlib.Path(m.distribution("moto").locate_file("")).resolve())')
tar -C "$site_packages" -cf - -T "$work/files" | tar -C "$site" -xf -

cat >"$rootfs/usr/local/bin/moto_server" <<'PY'
#!/usr/bin/python3
import sys
from moto.server import main

sys.exit(main())
PY
chmod 755 "$rootfs/usr/local/bin/moto_server"
# The engine's start-up customisation, as the AppHost's and the tests' moto_server have it (the file says what it does).
install -D -m 644 "$(dirname "$0")/../SecureLambda.AppHost/moto/sitecustomize.py" "$rootfs/opt/securelambda/moto/sitecustomize.py"
chroot "$rootfs" useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin moto
rm -rf "$rootfs"/var/cache/apt/* "$rootfs"/var/lib/apt/lists/* "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/*

echo "build-engine-image: importing $image"
tar -C "$rootfs" -cf - . | docker import \
  --change 'USER moto' \
  --change 'WORKDIR /tmp' \
  --change 'EXPOSE 5000' \
  --change 'ENV PYTHONPATH=/opt/securelambda/moto' \
  --change 'ENTRYPOINT ["/usr/local/bin/moto_server", "-H", "0.0.0.0", "-p", "5000"]' \
  --change "LABEL org.opencontainers.image.title=\"moto $moto_version on Debian bookworm\" org.opencontainers.image.source=scripts/build-engine-image.sh" \
  - "$image" >/dev/null

echo "build-engine-image: checking that $image serves /moto-api/"
container=$(docker run -d --rm -p 127.0.0.1::5000 "$image")
port=$(docker port "$container" 5000/tcp | head -1 | sed 's/.*://')
for _ in $(seq 1 60); do
  if python3 -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:$port/moto-api/', timeout=2).status == 200 else 1)" 2>/dev/null; then
    docker stop "$container" >/dev/null
    echo "build-engine-image: $image built ($(docker image inspect "$image" --format '{{.Size}}' | awk '{printf "%.0f MB", $1 / 1e6}'))"
    exit 0
  fi
  sleep 0.5
done
docker logs "$container" >&2 || true
docker stop "$container" >/dev/null || true
docker image rm "$image" >/dev/null || true
echo "build-engine-image: $image did not answer /moto-api/ within 30 s; removed it" >&2
exit 1
