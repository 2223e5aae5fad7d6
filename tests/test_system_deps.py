"""scripts/system-deps, run for real by bash with a PATH of a scratch folder: a fake `id` makes it
root or not, a fake `apt-get` records what it is asked (and "installs" by writing the commands),
fake tools stand for the ones present. Nothing touches the machine's packages."""

import shutil
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "system-deps"
BASH = shutil.which("bash")
TEST_TOOLS = [
    "msgfmt",
    "chromium",
    "pdftotext",
    "pdftoppm",
    "qpdf",
    "gs",
    "java",
    "redis-server",
    "pg_ctlcluster",
]
TEST_PACKAGES = (
    "gettext chromium poppler-utils qpdf ghostscript default-jre-headless redis-server postgresql"
)


def _executable(path: Path, body: str) -> None:
    path.write_text("#!" + BASH + "\n" + body + "\n")
    path.chmod(0o755)


@pytest.fixture
def machine(tmp_path):
    """A scratch PATH: ``machine(uid=…, tools=[…])`` fills it and returns a runner."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "apt-get.log"

    def make(*, uid: int, tools: list[str]):
        _executable(bin_dir / "id", f'[ "$1" = "-u" ] && echo {uid}')
        for tool in tools:
            _executable(bin_dir / tool, "exit 0")
        # apt-get: logs its arguments; "install" puts every tool of the test list on the PATH.
        stubs = "; ".join(f"printf 'exit 0' > {bin_dir / tool}" for tool in TEST_TOOLS)
        chmods = " ".join(str(bin_dir / tool) for tool in TEST_TOOLS)
        _executable(
            bin_dir / "apt-get",
            f'echo "$*" >> {log}; if [ "$1" = "install" ]; then {stubs}; '
            f"/bin/chmod 755 {chmods}; fi",
        )

        def run(*args: str, **env: str):
            return subprocess.run(
                [BASH, str(SCRIPT), *args],
                env={"PATH": str(bin_dir), **env},
                capture_output=True,
                text=True,
                check=False,
            )

        return run

    make.log = log
    return make


def test_not_root_and_tools_missing_stops_at_once_with_the_one_command(machine):
    run = machine(uid=1000, tools=[])
    result = run()
    assert result.returncode == 1
    assert f"sudo apt-get update && sudo apt-get install -y {TEST_PACKAGES}\n" in result.stderr
    assert result.stdout == ""
    assert not machine.log.exists()  # it never tried to install


def test_root_and_tools_missing_updates_then_installs_them(machine):
    run = machine(uid=0, tools=["msgfmt", "qpdf"])
    result = run("test")
    assert result.returncode == 0, result.stderr
    assert "Installing Debian packages: chromium poppler-utils ghostscript" in result.stdout
    assert machine.log.read_text().splitlines() == [
        "update -qq",
        "install -y -qq chromium poppler-utils ghostscript default-jre-headless redis-server"
        " postgresql",
    ]


def test_everything_present_exits_0_and_does_nothing(machine):
    run = machine(uid=1000, tools=TEST_TOOLS)
    result = run()
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    assert not machine.log.exists()


def test_make_run_needs_only_msgfmt_of_the_tools(machine):
    missing = machine(uid=1000, tools=[])("run")
    assert missing.returncode == 1
    assert "sudo apt-get update && sudo apt-get install -y gettext\n" in missing.stderr
    run = machine(uid=1000, tools=["msgfmt"])
    assert run("run").returncode == 0
    result = run("test")
    assert result.returncode == 1
    wanted = "chromium poppler-utils qpdf ghostscript default-jre-headless redis-server postgresql"
    assert f"sudo apt-get install -y {wanted}\n" in result.stderr


def test_skip_and_unknown_mode(machine):
    run = machine(uid=1000, tools=[])
    assert run(SYSTEM_DEPS="skip").returncode == 0
    assert run("serve").returncode == 64


def test_deploy_mode_adds_nginx_and_pgbouncer_to_the_test_tools(machine):
    result = machine(uid=1000, tools=TEST_TOOLS)("deploy")
    assert result.returncode == 1
    assert "sudo apt-get update && sudo apt-get install -y nginx pgbouncer\n" in result.stderr
    assert machine(uid=1000, tools=[*TEST_TOOLS, "nginx", "pgbouncer"])("deploy").returncode == 0
