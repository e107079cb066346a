"""Bad input in the negotiation: a clear message in the person's language, nothing changed and
no e-mail written."""

import pytest
from django.urls import reverse
from django.utils import translation

from matchmaking.models import MeetingRequest, OutboxMessage, Proposal
from matchmaking.services.requests import accept_request, withdraw_request

from .conftest import berlin, slot_value

pytestmark = pytest.mark.django_db


def _state():
    return (
        sorted(MeetingRequest.objects.values_list("pk", "status", "turn", "proposed_start")),
        Proposal.objects.count(),
        OutboxMessage.objects.count(),
    )


def _speaking(client, person, language):
    person.language = language
    person.save(update_fields=["language"])
    client.force_login(person)
    return client


def test_a_proposal_of_a_slot_busy_for_the_tandem_is_refused_in_chinese(client, people, ask):
    request = ask(people)
    other = ask(people, institution=people.other_institution)
    accept_request(actor=people.olga, request=other, start=berlin(22, 10))
    _speaking(client, people.chen, "zh-hans")
    page = client.get(reverse("request_detail", args=[request.pk])).content.decode()
    assert slot_value(berlin(22, 10)) not in page  # the list offers only slots free for both
    before = _state()
    response = client.post(
        reverse("request_propose", args=[request.pk]), {"start": slot_value(berlin(22, 10))}
    )
    assert response.status_code == 400
    with translation.override("zh-hans"):
        from django.forms import ChoiceField

        expected = str(ChoiceField.default_error_messages["invalid_choice"]) % {
            "value": slot_value(berlin(22, 10))
        }
    assert expected in response.content.decode()
    assert _state() == before


def test_a_proposal_on_a_closed_request_is_refused_in_german(client, people, ask):
    request = ask(people)
    withdraw_request(actor=people.alice, request=request)
    _speaking(client, people.chen, "de")
    before = _state()
    response = client.post(
        reverse("request_propose", args=[request.pk]), {"start": slot_value(berlin(22, 9))}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Diese Anfrage ist zurückgezogen und kann nicht mehr beantwortet werden." in page
    assert _state() == before


@pytest.mark.parametrize("language", ["de", "zh-hans"])
def test_a_message_of_100000_characters_is_refused_in_the_persons_language(
    client, people, language
):
    _speaking(client, people.alice, language)
    before = _state()
    response = client.post(
        reverse("request_meeting", args=[people.institution.pk]), {"message": "x" * 100_000}
    )
    assert response.status_code == 400
    expected = {
        "de": "dass der Wert aus höchstens 2000 Zeichen besteht. (Er besteht aus 100000 Zeichen.)",
        "zh-hans": "确保该变量包含不超过 2000 字符 (目前字符数 100000)。",
    }[language]
    assert expected in response.content.decode()
    assert _state() == before


def test_counter_proposing_the_slot_already_proposed_is_refused(client, people, ask):
    """The tandem's list after the partner's proposal offers only slots free for both, and not
    the time the partner proposed: that one is confirmed, not proposed back."""
    request = ask(people)
    _speaking(client, people.chen, "en")
    client.post(reverse("request_propose", args=[request.pk]), {"start": slot_value(berlin(23, 8))})
    _speaking(client, people.alice, "en")
    page = client.get(reverse("request_detail", args=[request.pk])).content.decode()
    propose_form = page.split('id="propose-form"', 1)[1].split("</form>", 1)[0]
    assert slot_value(berlin(23, 9)) in propose_form
    assert slot_value(berlin(23, 8)) not in propose_form
    assert 'id="confirm-form"' in page
    before = _state()
    response = client.post(
        reverse("request_propose", args=[request.pk]), {"start": "2027-03-22T03:00:00+00:00"}
    )
    assert response.status_code == 400
    assert "Select a valid choice." in response.content.decode()
    assert _state() == before


def test_confirming_from_a_stale_page_never_confirms_a_time_the_person_did_not_see(
    client, people, ask
):
    """Two representatives of one institution: while Chen looks at the tandem's proposal, his
    colleague counter-proposes and the tandem answers with a third time. Chen's click on
    "Confirm this time" must not put the meeting at that third time."""
    from tests import factories

    colleague = factories.RepresentativeFactory(
        institution=people.institution, tour=people.tour, user__email="li@partner.example"
    ).user
    request = ask(people)

    def propose(person, moment):
        _speaking(client, person, "en")
        response = client.post(
            reverse("request_propose", args=[request.pk]), {"start": slot_value(moment)}
        )
        assert response.status_code == 302

    propose(colleague, berlin(22, 8))
    propose(people.anton, berlin(22, 9))
    _speaking(client, people.chen, "en")
    seen = client.get(reverse("request_detail", args=[request.pk])).content.decode()
    shown = slot_value(berlin(22, 9))
    confirm_form = seen[seen.index('id="confirm-form"') :].split("</form>")[0]
    assert f'value="{shown}"' in confirm_form  # the form names the time it confirms
    propose(colleague, berlin(22, 10))
    propose(people.alice, berlin(23, 9))
    before = _state()

    _speaking(client, people.chen, "de")
    response = client.post(reverse("request_confirm", args=[request.pk]), {"start": shown})

    assert response.status_code == 400
    assert "Inzwischen wurde eine andere Zeit vorgeschlagen" in response.content.decode()
    assert _state() == before
    assert not hasattr(MeetingRequest.objects.get(pk=request.pk), "meeting")


def test_confirming_the_time_on_the_page_places_the_meeting_there(client, people, ask):
    request = ask(people)
    _speaking(client, people.chen, "en")
    client.post(reverse("request_propose", args=[request.pk]), {"start": slot_value(berlin(22, 9))})
    _speaking(client, people.alice, "en")
    response = client.post(
        reverse("request_confirm", args=[request.pk]), {"start": slot_value(berlin(22, 9))}
    )
    assert response.status_code == 302
    assert MeetingRequest.objects.get(pk=request.pk).meeting.starts_at == berlin(22, 9)
