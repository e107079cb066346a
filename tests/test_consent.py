"""Consent across the border (issue 11 point 4): a profile is shown to the other side only once
its people agreed, in their language, with the text and version recorded; the consent page
comes first at login, organisers are never held up."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from matchmaking.enums import LogAction
from matchmaking.models import ActivityLog, Consent
from matchmaking.models.consent import CURRENT_CONSENT_VERSION, consent_text
from matchmaking.services import DomainError
from matchmaking.services.consent import give_consent

from . import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def hidden(people):
    """A third institution whose representative (Hua) has not agreed yet, and a tandem of which
    only one member (Ines) agreed."""
    institution = factories.InstitutionFactory(
        name="Hidden Health Lab", name_zh_hans="隐藏健康实验室", tours=[people.tour]
    )
    hua = factories.RepresentativeFactory(institution=institution, user__consented=False).user
    tandem = factories.TandemFactory(tour=people.tour, name="QuietTandem")
    ines = factories.TandemMemberFactory(tandem=tandem, role="researcher").user
    jan = factories.TandemMemberFactory(
        tandem=tandem, role="entrepreneur", user__consented=False, user__language="de"
    ).user
    return institution, hua, tandem, ines, jan


def directory_names(client, **query):
    response = client.get(reverse("directory"), query)
    return {i.name for i in response.context["page"]}


def test_a_profile_is_hidden_until_its_people_agree(client, people, hidden):
    institution, hua, tandem, ines, jan = hidden
    client.force_login(people.alice)
    assert "Hidden Health Lab" not in directory_names(client)
    assert "BGI Group" in directory_names(client)
    assert directory_names(client, q="Hidden") == set()
    assert client.get(reverse("institution_detail", args=[institution.pk])).status_code == 404
    assert client.get(reverse("request_meeting", args=[institution.pk])).status_code in (302, 404)

    client.force_login(people.chen)
    tandems = {t.name for t in client.get(reverse("tandem_list")).context["tandems"]}
    assert "QuietTandem" not in tandems and "CardioSense" in tandems
    assert client.get(reverse("tandem_detail", args=[tandem.pk])).status_code == 404

    give_consent(user=hua, version=CURRENT_CONSENT_VERSION, language="zh-hans")
    give_consent(user=jan, version=CURRENT_CONSENT_VERSION, language="de")
    client.force_login(people.alice)
    assert directory_names(client, q="Hidden") == {"Hidden Health Lab"}
    assert client.get(reverse("institution_detail", args=[institution.pk])).status_code == 200
    client.force_login(people.chen)
    assert client.get(reverse("tandem_detail", args=[tandem.pk])).status_code == 200


def test_the_own_party_is_always_seen_and_organisers_see_all(client, people, hidden):
    institution, hua, tandem, ines, jan = hidden
    client.force_login(hua)
    client.post(
        reverse("consent"),
        {"later": "1", "version": CURRENT_CONSENT_VERSION, "language": "zh-hans"},
    )
    assert client.get(reverse("institution_detail", args=[institution.pk])).status_code == 200
    client.force_login(people.otto)
    assert client.get(reverse("institution_detail", args=[institution.pk])).status_code == 200


def test_recommendations_leave_hidden_institutions_out(people, hidden):
    from matchmaking.selectors.recommendations import recommendations_for

    # Both fit the tandem equally well; only the one whose people agreed is recommended.
    topic = factories.TopicFactory()
    people.tandem.topics.set([topic])
    for institution in (hidden[0], people.institution):
        institution.topics.set([topic])
    names = {r.institution.name for r in recommendations_for(people.tandem)}
    assert "Hidden Health Lab" not in names and "BGI Group" in names


def test_the_consent_page_comes_first_and_records_text_version_language(client, people, hidden):
    *_, jan = hidden
    client.force_login(jan)
    response = client.get(reverse("tandem_dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("consent"))
    page = client.get(response["Location"])
    german = consent_text(CURRENT_CONSENT_VERSION, "de")
    assert escape(german.split("\n\n")[0]) in page.content.decode()
    answer = client.post(
        response["Location"], {"agree": "1", "version": CURRENT_CONSENT_VERSION, "language": "de"}
    )
    assert answer.status_code == 302 and answer["Location"] == reverse("tandem_dashboard")
    consent = Consent.objects.get(user=jan)
    assert (consent.version, consent.language, consent.text) == (
        CURRENT_CONSENT_VERSION,
        "de",
        german,
    )
    assert "Einwilligung" in german or "Datenschutz" in german  # the German text, not English
    assert ActivityLog.objects.filter(action=LogAction.CONSENT, object_id=jan.pk).exists()
    assert client.get(reverse("tandem_dashboard")).status_code == 200


def test_an_outdated_version_or_language_is_refused(client, people, hidden):
    *_, jan = hidden
    with pytest.raises(DomainError, match="changed"):
        give_consent(user=jan, version="2000-1", language="de")
    client.force_login(jan)
    response = client.post(reverse("consent"), {"version": "2000-1", "language": "de"})
    assert response.status_code == 400
    assert "Text hat sich" in response.content.decode() or "changed" in response.content.decode()
    assert not Consent.objects.filter(user=jan).exists()


def test_not_now_lets_the_person_go_on_with_the_profile_hidden(client, people, hidden):
    institution, hua, *_ = hidden
    client.force_login(hua)
    client.post(
        reverse("consent"),
        {"later": "1", "version": CURRENT_CONSENT_VERSION, "language": "zh-hans"},
    )
    assert client.get(reverse("partner_dashboard")).status_code == 200
    assert not Consent.objects.filter(user=hua).exists()


def test_organisers_are_not_held_up(client, people):
    otto = factories.OrganiserFactory(consented=False)
    client.force_login(otto)
    assert client.get(reverse("pipeline")).status_code == 200
    assert client.get(reverse("directory")).status_code == 200


def test_consent_is_withdrawn_as_easily_as_given_and_hides_the_profile_again(
    client, people, hidden
):
    institution, hua, tandem, ines, jan = hidden
    give_consent(user=hua, version=CURRENT_CONSENT_VERSION, language="zh-hans")
    client.force_login(people.alice)
    assert client.get(reverse("institution_detail", args=[institution.pk])).status_code == 200

    client.force_login(hua)
    page = client.get(reverse("my_data")).content.decode()
    assert reverse("consent_withdraw") in page
    assert client.get(reverse("consent_withdraw")).status_code == 405  # a change is a POST
    client.post(reverse("consent_withdraw"))
    record = Consent.objects.get(user=hua)
    assert record.withdrawn_at is not None and record.text  # kept as proof of what was agreed
    assert (
        ActivityLog.objects.filter(action=LogAction.WITHDRAW_CONSENT, object_id=hua.pk).count() == 1
    )
    client.force_login(people.alice)
    assert client.get(reverse("institution_detail", args=[institution.pk])).status_code == 404
    assert "Hidden Health Lab" not in directory_names(client)

    # Withdrawing twice: a clear message, nothing changed.
    client.force_login(hua)
    again = client.post(reverse("consent_withdraw"), follow=True).content.decode()
    assert "没有可撤回的同意" in again  # in Hua's language
    assert Consent.objects.get(user=hua).withdrawn_at == record.withdrawn_at
    assert ActivityLog.objects.filter(action=LogAction.WITHDRAW_CONSENT).count() == 1

    # Agreeing again shows the profile again, with the text as shown this time.
    give_consent(user=hua, version=CURRENT_CONSENT_VERSION, language="en")
    renewed = Consent.objects.get(user=hua)
    assert renewed.withdrawn_at is None and renewed.language == "en"
    assert renewed.text == consent_text(CURRENT_CONSENT_VERSION, "en")
    client.force_login(people.alice)
    assert client.get(reverse("institution_detail", args=[institution.pk])).status_code == 200
