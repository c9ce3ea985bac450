"""Smoke test of an installed x-api-auth wheel, run by tests/install/run in a fresh
venv with no Rust toolchain on PATH: X's reference signature, then the app-only
bearer flow and a signed call against the sandbox in the package."""

import os
import shutil
import subprocess
import sys

import x_api_auth
from x_api_auth import OAuth1
from x_api_auth.testing import Sandbox

assert shutil.which("cargo") is None, "cargo is on PATH: this smoke test must run without a Rust toolchain"
assert x_api_auth.__version__ == sys.argv[1], (x_api_auth.__version__, sys.argv[1])

oauth1 = OAuth1(
    "xvz1evFS4wEEPTGEFPHBog",
    "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
    "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb",
    "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE",
)
header = oauth1.authorization_header(
    "POST",
    "https://api.x.com/1.1/statuses/update.json?include_entities=true",
    form=[("status", "Hello Ladies + Gentlemen, a signed OAuth request!")],
    nonce="kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg",
    timestamp=1318622958,
)
assert 'oauth_signature="Ls93hJiZbQ3akF3HF3x1Bz8%2FzU4%3D"' in header, header

with Sandbox() as sandbox:
    x = sandbox.xauth()
    bearer = x.obtain_bearer(sandbox.consumer_keys)
    assert x.users_me(sandbox.owner_oauth1())["data"]["username"]
    x.invalidate_bearer(sandbox.consumer_keys, bearer)

command = shutil.which("x-api-auth", path=os.path.dirname(sys.executable))
assert command, "the wheel installed no console script x-api-auth"
version = subprocess.run([command, "--version"], capture_output=True, text=True, check=True).stdout
assert x_api_auth.__version__ in version, version
print(f"python: x-api-auth {x_api_auth.__version__} imported, signed, talked to the sandbox; {version.strip()}")
