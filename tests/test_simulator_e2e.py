"""Fault injection and host power through the simulator's admin API, seen with the `cs` client."""

from __future__ import annotations

import json

from cs import CloudStack

from tests.support.cloud import new_host, new_pod, new_zone, refused, stack, unique

ON_FIRE = json.dumps({"com.cloud.agent.api.MaintainAnswer": {"result": False, "details": "disk array on fire"}})


def test_a_configured_failure_fails_maintenance_once_then_it_succeeds(admin_cs: CloudStack) -> None:
    zone, pod, cluster, host = stack(admin_cs)
    mock = admin_cs.configureSimulator(
        zoneid=zone["id"],
        podid=pod["id"],
        clusterid=cluster["id"],
        hostid=host["id"],
        name="MaintainCommand",
        value="result:fail",
        count=1,
        jsonresponse=ON_FIRE,
    )["simulatormock"]
    assert isinstance(mock["id"], int)
    assert (mock["name"], mock["count"], mock["hostid"], mock["zoneid"]) == (
        "MaintainCommand",
        1,
        host["id"],
        zone["id"],
    )

    failed = refused(admin_cs.prepareHostForMaintenance, id=host["id"], fetch_result=True)
    assert failed["errorcode"] == 530
    assert failed["errortext"] == f"Unable to prepare for maintenance host {host['name']}: Simulated failure"
    # the host is left as it was, as CloudStack leaves it when MaintainCommand fails
    assert admin_cs.listHosts(id=host["id"])["host"][0]["resourcestate"] == "Enabled"
    assert admin_cs.querySimulatorMock(id=mock["id"])["simulatormock"]["count"] == 0

    done = admin_cs.prepareHostForMaintenance(id=host["id"], fetch_result=True)["host"]
    assert (done["id"], done["resourcestate"]) == (host["id"], "Maintenance")
    back = admin_cs.cancelHostMaintenance(id=host["id"], fetch_result=True)["host"]
    assert back["resourcestate"] == "Enabled"


def test_the_agent_answer_gives_the_failure_text_and_a_mock_without_count_stays(admin_cs: CloudStack) -> None:
    _zone, _pod, _cluster, host = stack(admin_cs)
    mock = admin_cs.configureSimulator(hostid=host["id"], name="MaintainCommand", value="", jsonresponse=ON_FIRE)[
        "simulatormock"
    ]
    assert "count" not in mock  # applies to every call until cleaned up
    for _ in range(2):
        failed = refused(admin_cs.prepareHostForMaintenance, id=host["id"], fetch_result=True)
        assert failed["errortext"].endswith(": disk array on fire")
    assert admin_cs.cleanupSimulatorMock(id=mock["id"])["success"]
    gone = refused(admin_cs.querySimulatorMock, id=mock["id"])
    assert (gone["errorcode"], gone["errortext"]) == (530, "Failed to query mock")
    assert admin_cs.prepareHostForMaintenance(id=host["id"], fetch_result=True)["host"]["resourcestate"] == (
        "Maintenance"
    )


def test_a_mock_for_one_host_leaves_the_others_alone(admin_cs: CloudStack) -> None:
    _zone, _pod, cluster, host = stack(admin_cs)
    other = new_host(admin_cs, cluster)
    admin_cs.configureSimulator(hostid=other["id"], name="MaintainCommand", value="result:fail", count=5)
    assert admin_cs.prepareHostForMaintenance(id=host["id"], fetch_result=True)["host"]["resourcestate"] == (
        "Maintenance"
    )
    refused(admin_cs.prepareHostForMaintenance, id=other["id"], fetch_result=True)


def test_configuring_the_same_mock_again_replaces_it(admin_cs: CloudStack) -> None:
    _zone, _pod, _cluster, host = stack(admin_cs)
    first = admin_cs.configureSimulator(hostid=host["id"], name="StopCommand", value="wait:10", count=3)
    second = admin_cs.configureSimulator(hostid=host["id"], name="StopCommand", value="result:fail", count=1)
    assert first["simulatormock"]["id"] == second["simulatormock"]["id"]
    listed = [m for m in admin_cs.listSimulatorMocks(name="StopCommand")["simulatormock"] if m["hostid"] == host["id"]]
    assert [(m["id"], m["count"]) for m in listed] == [(first["simulatormock"]["id"], 1)]


def test_bad_mock_settings_are_refused(admin_cs: CloudStack) -> None:
    zone, _pod, _cluster, host = stack(admin_cs)
    other_zone, *_ = stack(admin_cs)
    cases = [
        ({"value": "result:explode"}, "Unknown result explode in simulator mock value; use fail, fault or success"),
        ({"value": "wait:soon"}, "Invalid wait soon in simulator mock value; give milliseconds"),
        ({"value": "result:fail", "count": -5}, "Invalid count -5; give a number of calls, or -1 for every call"),
        ({"value": "result:fail", "jsonresponse": "{not json"}, "jsonresponse is not valid JSON"),
        (
            {"value": "result:fail", "zoneid": other_zone["id"]},
            f"The pod {host['podid']} is not in the zone {other_zone['id']}",
        ),
    ]
    for params, text in cases:
        error = refused(admin_cs.configureSimulator, hostid=host["id"], name="MaintainCommand", **params)
        assert (error["errorcode"], error["errortext"]) == (431, text), params
    assert not [m for m in admin_cs.listSimulatorMocks().get("simulatormock", []) if m["hostid"] == host["id"]]
    missing = refused(admin_cs.cleanupSimulatorMock, id=987654321)
    assert (missing["errorcode"], missing["errortext"]) == (530, "Failed to cleanup mock")
    assert zone["id"] != other_zone["id"]


def test_a_host_marked_down_shows_down_refuses_work_and_comes_back_up(admin_cs: CloudStack) -> None:
    zone, _pod, _cluster, host = stack(admin_cs)
    down = admin_cs.configureSimulatorHostState(id=host["id"], state="Down")["host"]
    assert down["state"] == "Down"
    assert admin_cs.listHosts(id=host["id"])["host"][0]["state"] == "Down"
    assert admin_cs.listHosts(zoneid=zone["id"], state="Down")["count"] == 1
    failed = refused(admin_cs.prepareHostForMaintenance, id=host["id"], fetch_result=True)
    assert failed["errortext"].endswith("is unreachable: it is powered off")
    up = admin_cs.configureSimulatorHostState(id=host["id"], state="Up")["host"]
    assert up["state"] == "Up"
    assert admin_cs.listHosts(id=host["id"])["host"][0]["state"] == "Up"
    bad = refused(admin_cs.configureSimulatorHostState, id=host["id"], state="Sideways")
    assert (bad["errorcode"], bad["errortext"]) == (431, "Invalid host state Sideways; use Up or Down")


def test_a_failed_host_add_leaves_nothing_and_uses_the_fault_up(admin_cs: CloudStack) -> None:
    zone = new_zone(admin_cs)
    pod = new_pod(admin_cs, zone)
    admin_cs.configureSimulator(podid=pod["id"], name="ReadyCommand", value="result:fail", count=1)
    name, url = unique("made-by-addhost"), f"http://sim/{unique('c')}/h0"
    failed = refused(
        admin_cs.addHost, zoneid=zone["id"], podid=pod["id"], clustername=name, hypervisor="Simulator", url=url
    )
    assert (failed["errorcode"], failed["errortext"]) == (530, "Unable to add the host: Simulated failure")
    assert "host" not in admin_cs.listHosts(zoneid=zone["id"])
    assert "cluster" not in admin_cs.listClusters(podid=pod["id"])
    host = admin_cs.addHost(zoneid=zone["id"], podid=pod["id"], clustername=name, hypervisor="Simulator", url=url)[
        "host"
    ][0]
    clusters = admin_cs.listClusters(podid=pod["id"])["cluster"]
    assert [(c["id"], c["name"]) for c in clusters] == [(host["clusterid"], name)]
