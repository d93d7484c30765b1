"""`zhuoyue demo --list` as a user runs it, in subprocesses."""

from __future__ import annotations

from tests.conftest import run_cli


def test_demo_list_names_both_companies_in_chinese_by_default():
    result = run_cli("demo", "--list")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines] == ["manufacturer", "service"]
    assert "常州恒锐汽车零部件有限公司" in lines[0] and "29 轮" in lines[0]
    assert "云州市人民医院" in lines[1]


def test_demo_list_names_both_companies_in_english():
    result = run_cli("demo", "--list", "--lang", "en")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "Changzhou Hengrui Auto Parts Co., Ltd." in lines[0] and "29 turns" in lines[0]
    assert "Yunzhou People's Hospital" in lines[1]
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in result.stdout)


def test_presenting_an_unknown_demo_names_the_known_ones():
    result = run_cli("demo", "bakery", "--present")
    assert result.returncode == 2
    assert "manufacturer, service" in result.stderr
