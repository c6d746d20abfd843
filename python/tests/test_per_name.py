"""Per-name calls: each dict equals the JSON the CLI prints for the same
input and options."""

import re

import pytest

import idnsafe
from conftest import REPO, kz_names, run_cli, shared_data


def demo_lines() -> list:
    return (REPO / "tables" / "demo" / "names.txt").read_bytes().splitlines()


def rst_labels() -> list:
    labels = set()
    for p in sorted((shared_data() / "rst-idn-test-labels").glob("*.yaml")):
        labels.update(re.findall(r"\bxn--[a-z0-9-]+", p.read_text(encoding="utf-8")))
    assert len(labels) > 700, "the 59 RST files give 778 distinct A-labels"
    return sorted(labels)


def test_check_equals_cli_on_demo_names():
    lines = demo_lines()
    cli = run_cli(["check", "--json"], b"\n".join(lines) + b"\n")
    assert len(cli) == len(lines)
    for line, expected in zip(lines, cli):
        assert idnsafe.check(line) == expected, line


def test_check_equals_cli_on_rst_labels():
    labels = rst_labels()
    cli = run_cli(["check", "--json"], "\n".join(labels).encode() + b"\n")
    assert len(cli) == len(labels)
    checker = idnsafe.Checker()
    for label, expected in zip(labels, cli):
        assert idnsafe.check(label) == expected, label
        assert checker.check(label) == expected, label


def test_check_equals_cli_on_kz_names():
    """Mostly lower-case LDH names, which the per-name call writes from the
    engine's fast path: each dict still equals the CLI's JSON."""
    names = [n.encode() for n in kz_names()[::4]] + [b"0", b"a-b.c-d", b"123.kz", b"A.kz", b"xn--80ao21a"]
    cli = run_cli(["check", "--json"], b"\n".join(names) + b"\n")
    assert len(cli) == len(names)
    checker = idnsafe.Checker()
    uts39 = idnsafe.Checker(level="uts39")
    cli_uts39 = run_cli(["check", "--json", "--level", "uts39"], b"\n".join(names[:5000]) + b"\n")
    for line, expected in zip(names, cli):
        assert idnsafe.check(line) == expected, line
        assert checker.check(line.decode()) == expected, line
    for line, expected in zip(names, cli_uts39):
        assert uts39.check(line) == expected, line


def test_checker_with_protected_names_equals_cli(tmp_path):
    protect = tmp_path / "protect.txt"
    protect.write_text("# brands\npaypal.com\nsberbank.ru\nexample.com\n", encoding="utf-8")
    lines = demo_lines() + ["pаypal.com".encode(), "sberbаnk.ru".encode(), b"paypa1.com"]
    for tier in ("identical", "lookalike", "near"):
        cli = run_cli(["check", "--json", "--protect", str(protect), "--tier", tier], b"\n".join(lines) + b"\n")
        by_path = idnsafe.Checker(protect=protect, tier=tier)
        by_list = idnsafe.Checker(protect=["paypal.com", "sberbank.ru", "example.com"], tier=tier)
        for line, expected in zip(lines, cli):
            assert by_path.check(line) == expected, (tier, line)
            assert by_list.check(line) == expected, (tier, line)
    flagged = idnsafe.Checker(protect=protect).check("pаypal.com")
    assert flagged["labels"][0]["confusable_with"] == ["paypal.com"]


def test_screen_equals_cli(tmp_path):
    registered = tmp_path / "registered.txt"
    registered.write_text("пример.рф\n", encoding="utf-8")
    candidates = ["пример.рф", "xn--e1afmkfd.xn--p1ai", "тест.рф", "ab--cd.рф", "test.рф", "пpимep.рф", "x" * 300 + ".рф"]
    cli = run_cli(["screen", "--json", "--policy", "rf", "--registered", str(registered), *candidates])
    checker = idnsafe.Checker(policy="rf", registered=registered)
    assert len(cli) == len(candidates)
    for c, expected in zip(candidates, cli):
        assert checker.screen(c) == expected, c
    decisions = {d["input"]: d["decision"] for d in cli}
    assert decisions["пример.рф"] == "reject"
    assert decisions["тест.рф"] == "accept"


def test_screen_with_protected_names_equals_cli(tmp_path):
    # The protected list serves both the checker and the policy; at the
    # identical tier it is keyed twice (the policy screens at lookalike).
    protect = tmp_path / "protect.txt"
    protect.write_text("paypal.com\ngoogle.com\n", encoding="utf-8")
    candidates = ["pаypal.com", "pàypal.com", "gооgle.com", "example.com"]
    cli = run_cli(["screen", "--json", "--policy", "gtld-reference", "--protect", str(protect), *candidates])
    assert any(d["decision"] != "accept" for d in cli)
    for tier in ("lookalike", "identical"):
        checker = idnsafe.Checker(policy="gtld-reference", protect=protect, tier=tier)
        for c, expected in zip(candidates, cli):
            assert checker.screen(c) == expected, (tier, c)


def test_confusable_equals_cli():
    pairs = [("paypal", "pаypal"), ("google", "gооgle"), ("abc", "xyz"), ("pàypal", "paypal"), ("paypa1", "paypal")]
    for tier in ("identical", "lookalike", "near"):
        checker = idnsafe.Checker(tier=tier)
        for a, b in pairs:
            (expected,) = run_cli(["confusable", "--json", "--tier", tier, a, b])
            assert checker.confusable(a, b) == expected, (tier, a, b)


def test_variants_equal_cli():
    lgr_dir = shared_data() / "lgr" / "root-zone" / "lgr-5"
    cases = [
        ("lgr-5-arabic-script-26may22-en.xml", ["كتاب", "مثال", "xn--mgbh0fb"]),
        ("lgr-5-cyrillic-script-26may22-en.xml", ["пример", "ѕberbank"]),
        ("lgr-5-chinese-script-26may22-en.xml", ["中国", "国际化"]),
    ]
    checker = idnsafe.Checker()
    for name, labels in cases:
        lgr = lgr_dir / name
        cli = run_cli(["variants", "--json", "--lgr", str(lgr), *labels])
        for label, expected in zip(labels, cli):
            assert checker.variants(label, lgr) == expected, (name, label)
        cli = run_cli(["variants", "--json", "--include-invalid", "--limit", "5", "--lgr", str(lgr), *labels])
        for label, expected in zip(labels, cli):
            assert checker.variants(label, lgr, limit=5, include_invalid=True) == expected, (name, label)


def test_generate_equals_cli():
    for target in ("paypal", "paypal.com", "sberbank.ru"):
        cli = run_cli(["generate", "--json", "--max", "200", target])
        assert idnsafe.Checker().generate(target, max=200) == cli, target
    cli = run_cli(["generate", "--json", "--max", "50", "--policy", "rf", "--registrable-only", "пример.рф"])
    got = idnsafe.Checker(policy="rf").generate("пример.рф", max=50, registrable_only=True)
    assert got == cli


@pytest.mark.parametrize(
    "call, code",
    [
        (lambda: idnsafe.Checker(tier="bogus"), "INVALID_ARGUMENT"),
        (lambda: idnsafe.Checker(policy="no-such-policy"), "POLICY_NOT_FOUND"),
        (lambda: idnsafe.Checker().screen("a.example"), "POLICY_REQUIRED"),
        (lambda: idnsafe.Checker(registered=["a.example"]), "POLICY_REQUIRED"),
        (lambda: idnsafe.check(42), "ARGUMENT_TYPE"),
        (lambda: idnsafe.Checker().generate(""), "GENERATE_TARGET_INVALID"),
        (lambda: idnsafe.Checker().confusable("a" * 2000, "b"), "INVALID_ARGUMENT"),
        (lambda: idnsafe.audit("/no/such/file.txt"), "FILE_NOT_FOUND"),
    ],
)
def test_errors_carry_stable_codes(call, code):
    with pytest.raises(idnsafe.Error) as e:
        call()
    assert e.value.code == code, str(e.value)


def test_bad_names_are_results_not_exceptions():
    assert idnsafe.check(b"\xff\xfe.example")["ok"] is False
    assert idnsafe.check(b"\xff\xfe.example")["errors"][0]["code"] == "INVALID_UTF8"
    long = idnsafe.check("a" * (1 << 20))
    assert long["ok"] is False and long["errors"][0]["code"] == "LINE_TOO_LONG"
    assert idnsafe.check("")["ok"] is False


def test_versions_name_unicode_18():
    v = idnsafe.versions()
    assert any(d["version"] == "18.0.0" for d in v)
    assert all({"source", "provider", "version"} <= set(d) for d in v)
