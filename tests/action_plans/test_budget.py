"""Budgets (BAB V "ANGGARAN"): sources from the closed list, whole rupiah, exact sums."""

from __future__ import annotations

from tests.action_plans.plans import PROGRAMS, activity, adopted_plan, create_plan
from tests.helpers import create_task_force, error_fields, problem

BIG = 999_999_999_999_999  # the largest line allowed; sums of these pass 2**53


def _lines(amounts: dict[str, int], years=(2026, 2027, 2028)) -> list[dict]:
    return [
        {"year": year, "source": source, "planned_amount": amount}
        for year in years
        for source, amount in amounts.items()
    ]


async def test_budget_source_is_from_the_closed_list(client, national):
    """ANGGARAN a-d: APBN/APBD, social-disaster fund, CSR, national/international donor."""
    tf = await create_task_force(client, national, "33.02")
    plan = await create_plan(client, national, tf["id"])
    response = await client.post(
        f"/action-plans/{plan['id']}/activities",
        json=activity(budget=[{"year": 2026, "source": "lottery", "planned_amount": 1}]),
        headers=national,
    )
    assert error_fields(problem(response, 422)) == {"budget.0.source"}


async def test_amounts_are_whole_rupiah(client, national):
    """Money is integer rupiah: fractions and floats are refused."""
    tf = await create_task_force(client, national, "33.02")
    plan = await create_plan(client, national, tf["id"])
    for amount in (1500.5, 1500.0, "1500", -1, BIG + 1):
        response = await client.post(
            f"/action-plans/{plan['id']}/activities",
            json=activity(budget=[{"year": 2026, "source": "apbd", "planned_amount": amount}]),
            headers=national,
        )
        assert error_fields(problem(response, 422)) == {"budget.0.planned_amount"}, amount


async def test_one_line_per_year_and_source(client, national):
    tf = await create_task_force(client, national, "33.02")
    plan = await create_plan(client, national, tf["id"])
    line = {"year": 2026, "source": "apbd", "planned_amount": 5}
    response = await client.post(
        f"/action-plans/{plan['id']}/activities",
        json=activity(budget=[line, line]),
        headers=national,
    )
    assert error_fields(problem(response, 422)) == {"budget.1.source"}


async def test_budgets_sum_exactly_at_regency_province_and_national_level(client, national):
    """ANGGARAN: the sums are exact integers (no float drift) at every level of the roll-up."""
    regency = {"apbd": BIG, "csr": 7, "national_donor": 123_456_789_012_345}
    province = {"apbd": BIG - 2, "social_disaster_fund": 3}
    other = {"apbn": BIG, "international_donor": 1}
    budgets = {
        "33.02": {PROGRAMS[0]: _lines(regency), PROGRAMS[4]: _lines({"apbd": 11})},
        "33.01": {PROGRAMS[1]: _lines(regency)},
        "33": {PROGRAMS[5]: _lines(province)},
        "32.01": {PROGRAMS[2]: _lines(other)},
    }
    for code, lines in budgets.items():
        tf = await create_task_force(client, national, code)
        await adopted_plan(client, national, tf["id"], budgets=lines)
    tf = await create_task_force(client, national, "33.03")
    await create_plan(client, national, tf["id"])  # a draft counts in no roll-up

    def total(*codes):
        return sum(
            line["planned_amount"]
            for code in codes
            for lines in budgets[code].values()
            for line in lines
        )

    expected = {
        "33.02": total("33.02"),
        "33": total("33.02", "33.01", "33"),
        "ID": total("33.02", "33.01", "33", "32.01"),
    }
    assert expected["ID"] > 2**53
    assert float(expected["ID"]) != expected["ID"]  # a float sum would drift here
    for code, amount in expected.items():
        response = await client.get(
            "/action-plans/rollup", params={"region_code": code}, headers=national
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["total"]["planned"] == amount, code
        assert sum(s["planned"] for s in body["by_source"]) == amount
        assert sum(p["planned"] for p in body["by_program"]) == amount
        assert sum(c["planned"] for c in body["by_source_and_program"]) == amount
        assert sum(p["planned"] for p in body["plans"]) == amount

    province_rollup = (
        await client.get("/action-plans/rollup", params={"region_code": "33"}, headers=national)
    ).json()
    assert [p["region_code"] for p in province_rollup["plans"]] == ["33", "33.01", "33.02"]
    by_source = {s["source"]: s["planned"] for s in province_rollup["by_source"]}
    assert by_source == {
        "apbd": 3 * (2 * BIG + 11 + BIG - 2),
        "csr": 3 * 2 * 7,
        "national_donor": 3 * 2 * 123_456_789_012_345,
        "social_disaster_fund": 3 * 3,
    }
    one_year = (
        await client.get(
            "/action-plans/rollup", params={"region_code": "33", "year": 2027}, headers=national
        )
    ).json()
    assert one_year["total"]["planned"] == expected["33"] // 3
