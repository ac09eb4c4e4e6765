"""A PostgREST that already runs serves the runtime's functions as soon as an apply installs them.

PostgREST resolves /rpc/<function> from its schema cache, which it reloads on
`NOTIFY pgrst, 'reload schema'` (its db-channel); until then a new function is 404 PGRST202.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from .api import Api
from .calls import ORDER
from .database import apply, tenant_ids
from .http import Response
from .server import AUTHENTICATED, grant_runtime_roles

RELOAD_WAIT_SECONDS = 3.0


def first_answer_but_404(request: Callable[[], Response]) -> Response:
    """The first answer that is not 404, or the last 404 after RELOAD_WAIT_SECONDS."""
    deadline = time.monotonic() + RELOAD_WAIT_SECONDS
    answer = request()
    while answer.status == 404 and time.monotonic() < deadline:
        time.sleep(0.1)
        answer = request()
    return answer


def test_a_running_postgrest_serves_the_functions_of_a_new_install(empty_api: Api) -> None:
    apply(empty_api.database_url, "acme")
    grant_runtime_roles(empty_api.database_url)
    client = empty_api.client({"role": AUTHENTICATED,
                               "tenant_id": str(tenant_ids(empty_api.database_url)["acme"])})

    answer = first_answer_but_404(lambda: client.post("/rpc/start_workflow", {
        "workflow_name": ORDER, "entity_table": "orders", "entity_id": "1"}))

    assert answer.status == 200, answer.body
