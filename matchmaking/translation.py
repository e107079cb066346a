"""Content written in each of the portal's languages (django-modeltranslation).

Every field named here gets one column per language (``name_en``, ``name_de``,
``name_zh_hans``); reading ``name`` gives the reader's language, falling back to English. English
is the one required language of a field that is required at all."""

from modeltranslation.translator import TranslationOptions, register

from .models import Institution, Session, Speaker, Supporter, Tandem, Topic, Tour


class EnglishRequired(TranslationOptions):
    required_languages = ("en",)


@register(Tour)
class TourTranslation(EnglishRequired):
    fields = ("name", "description")


@register(Session)
class SessionTranslation(EnglishRequired):
    fields = ("title", "description")


@register(Speaker)
class SpeakerTranslation(EnglishRequired):
    fields = ("title", "position", "bio")


@register(Supporter)
class SupporterTranslation(EnglishRequired):
    fields = ("name",)


@register(Tandem)
class TandemTranslation(EnglishRequired):
    fields = ("project_title", "summary")


@register(Institution)
class InstitutionTranslation(EnglishRequired):
    fields = ("name", "description", "city", "province")


@register(Topic)
class TopicTranslation(EnglishRequired):
    fields = ("name",)
