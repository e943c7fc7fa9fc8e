"""Every PartnerBoost catalogue action is served: valid parameters answer code 0 in the family's envelope.
(OpenPartner's actions have their own tests: test_openpartner_app.py.)"""

from __future__ import annotations

import pytest
from test_app_support import call, client_for, data_of, fixed_app, minimal_params, small_world, state_of

from partnerboost_tools.base import PARTNERBOOST_FAMILIES
from partnerboost_tools.catalogue import ACTIONS as EVERY_ACTION

ACTIONS = {name: cls for name, cls in EVERY_ACTION.items() if cls.family in PARTNERBOOST_FAMILIES}
pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
def app_and_params():
    world = small_world()
    app = fixed_app(world)
    return app, minimal_params(world, state_of(app))


def test_the_table_covers_every_action(app_and_params) -> None:
    _, params = app_and_params
    assert set(params) == set(ACTIONS)


@pytest.mark.parametrize("tool_name", list(ACTIONS))
async def test_action_answers_code_zero(app_and_params, tool_name: str) -> None:
    app, params = app_and_params
    async with client_for(app) as client:
        response = await call(client, tool_name, params[tool_name])
    data = data_of(response)
    assert data is not None
    paging = ACTIONS[tool_name].paging
    if paging is not None:
        assert isinstance(data[paging.records_key], list)
