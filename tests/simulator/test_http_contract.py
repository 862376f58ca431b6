"""The HTTP surface: health, authentication, the envelope, and 400/404 for bad requests."""

from __future__ import annotations

import base64

import pytest
import requests
from simkit import TOKEN, Client

from simulator import RunningSimulator

pytestmark = pytest.mark.simulator

WINDOW = {"cap_nhat_tu": "20230101000000", "cap_nhat_den": "20230201000000"}
ENDPOINTS = [("don-vi", {}), ("thu-tuc", {}), ("ho-so", WINDOW), ("giao-dich", WINDOW)]


def test_health_needs_no_token(small_simulator: RunningSimulator) -> None:
    response = requests.get(f"{small_simulator.url}/api/v1/health", timeout=5)
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.parametrize(("path", "params"), ENDPOINTS)
@pytest.mark.parametrize("authorization", [None, "Bearer wrong-token", f"Basic {TOKEN}",
                                           "Bearer", f"Bearer {TOKEN}x"])
def test_missing_or_wrong_token_is_401(small_simulator: RunningSimulator, path: str,
                                       params: dict, authorization: str | None) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    response = requests.get(f"{small_simulator.url}/api/v1/{path}", params=params,
                            headers=headers, timeout=5)
    assert response.status_code == 401
    assert response.json()["error_code"] == "401"
    assert "data" not in response.json()


@pytest.mark.parametrize(("path", "params"), ENDPOINTS)
def test_list_envelope(client: Client, path: str, params: dict) -> None:
    body = client.get(path, limit=5, **params).json()
    assert list(body) == ["error_code", "message", "data", "next_cursor"]
    assert (body["error_code"], body["message"]) == ("0", "OK")
    assert 0 < len(body["data"]) <= 5
    assert isinstance(body["next_cursor"], str)


def test_limit_defaults_to_500_and_allows_5000(client: Client) -> None:
    window = {"cap_nhat_tu": "20230101000000", "cap_nhat_den": "20230320000000"}
    assert len(client.get("ho-so", **window).json()["data"]) == 500
    assert len(client.get("ho-so", limit=5000, **window).json()["data"]) == 900


def test_unknown_path_is_404(client: Client) -> None:
    response = client.get("ho-so-khac")
    assert response.status_code == 404
    assert response.json()["error_code"] == "404"


def _cursor(client: Client, path: str, params: dict) -> str:
    return client.get(path, limit=1, **params).json()["next_cursor"]


def _bad_requests(client: Client) -> list[tuple[str, dict, str]]:
    """(endpoint, parameters, the parameter the message must name)."""
    other_window = {"cap_nhat_tu": "20230102000000", "cap_nhat_den": "20230201000000"}
    garbage = base64.urlsafe_b64encode(b'["ho_so", 1]').decode()
    return [
        ("ho-so", {}, "cap_nhat_tu"),
        ("ho-so", {"cap_nhat_tu": "20230101000000"}, "cap_nhat_den"),
        ("ho-so", {"cap_nhat_den": "20230101000000"}, "cap_nhat_tu"),
        ("ho-so", {**WINDOW, "cap_nhat_tu": "2023-01-01"}, "cap_nhat_tu"),
        ("ho-so", {**WINDOW, "cap_nhat_tu": "20230230000000"}, "cap_nhat_tu"),  # 30 February
        ("ho-so", {**WINDOW, "cap_nhat_den": "20230101250000"}, "cap_nhat_den"),
        ("ho-so", {**WINDOW, "cap_nhat_den": "202301010000000"}, "cap_nhat_den"),
        ("giao-dich", {**WINDOW, "cap_nhat_tu": ""}, "cap_nhat_tu"),
        ("ho-so", {**WINDOW, "cap_nhat_den": "20230101000000"}, "cap_nhat_tu"),  # tu == den
        ("ho-so", {"cap_nhat_tu": "20230201000000", "cap_nhat_den": "20230101000000"},
         "cap_nhat_tu"),
        ("ho-so", {**WINDOW, "limit": "abc"}, "limit"),
        ("ho-so", {**WINDOW, "limit": "0"}, "limit"),
        ("ho-so", {**WINDOW, "limit": "5001"}, "limit"),
        ("ho-so", {**WINDOW, "limit": "-5"}, "limit"),
        ("ho-so", {**WINDOW, "limit": "2.5"}, "limit"),
        ("don-vi", {"limit": ""}, "limit"),
        ("ho-so", {**WINDOW, "cursor": "not a cursor!"}, "cursor"),
        ("ho-so", {**WINDOW, "cursor": garbage}, "cursor"),
        ("ho-so", {**WINDOW, "cursor": ""}, "cursor"),
        ("ho-so", {**other_window, "cursor": _cursor(client, "ho-so", WINDOW)}, "cursor"),
        ("giao-dich", {**WINDOW, "cursor": _cursor(client, "ho-so", WINDOW)}, "cursor"),
        ("thu-tuc", {"cursor": _cursor(client, "don-vi", {})}, "cursor"),
        ("ho-so", {**WINDOW, "limit": ["1", "2"]}, "limit"),
    ]


def test_malformed_parameters_are_400_with_a_clear_message(client: Client) -> None:
    for path, params, parameter in _bad_requests(client):
        response = client.get(path, **params)
        assert response.status_code == 400, (path, params, response.text)
        body = response.json()
        assert body["error_code"] == "400"
        assert parameter in body["message"], (params, body["message"])
        assert "data" not in body
