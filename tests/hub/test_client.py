"""HubClient against the stand-in hub: signed deliveries over kept-alive connections, as to a real hub."""

from devtools.hub_receiver import HubReceiver
from hub.client import Delivery, HubClient


def test_deliveries_reuse_one_connection_and_a_stopped_hub_is_a_retry_not_a_hang(webhook_secret):
    receiver = HubReceiver(secret=webhook_secret, hang_seconds=5).start()
    client = HubClient(url=receiver.url, secrets=[webhook_secret])

    results = [client.send(msg_id=f"msg_{n}", payload={"n": n}) for n in range(3)]
    receiver.stop()
    after_stop = client.send(msg_id="msg_late", payload={"n": 3})

    assert [r.outcome for r in results] == [Delivery.DELIVERED] * 3
    assert [d.payload for d in receiver.verified()] == [{"n": 0}, {"n": 1}, {"n": 2}]
    assert len({d.client_port for d in receiver.verified()}) == 1
    assert after_stop.outcome is Delivery.RETRY
    assert len(receiver.deliveries) == 3


def test_a_receiver_on_a_new_port_gets_its_own_deliveries(webhook_secret):
    first = HubReceiver(secret=webhook_secret).start()
    client = HubClient(url=first.url, secrets=[webhook_secret])
    client.send(msg_id="msg_first", payload={})
    first.stop()
    second = HubReceiver(secret=webhook_secret).start()

    result = HubClient(url=second.url, secrets=[webhook_secret]).send(msg_id="msg_second", payload={})
    second.stop()

    assert result.outcome is Delivery.DELIVERED
    assert [d.webhook_id for d in first.deliveries] == ["msg_first"]
    assert [d.webhook_id for d in second.deliveries] == ["msg_second"]
