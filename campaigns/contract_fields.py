"""Django model and form fields built from the contract table (`rules.FIELDS`): a limit, choice,
label or help text changed there reaches every model, migration and form."""
from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from . import rules
from .rules import Kind

SMALL_INTEGER_MAX = 32_767  # what a PositiveSmallIntegerField holds on every database
LONG_TEXT = 255  # longer texts are a TextField, bounded by the rules' check instead of the column


def verbose_name(entry: rules.Field) -> str:
    """The label as Django writes names: "voice app ID", but "SMS app ID"."""
    label = entry.label
    return label if label[1:2].isupper() else label[:1].lower() + label[1:]


def model_field(name: str, **options) -> models.Field:
    """The model field storing request field `name`: its type, size, choices, range, default, label and help.

    It may be left empty where the request may leave it out (or only needs it with other settings);
    `options` override any of that for a model with rules of its own (a template needs its text).
    """
    entry = rules.FIELDS[name]
    optional = not entry.required or entry.when is not None
    kwargs = {"verbose_name": verbose_name(entry), "help_text": entry.help, "blank": optional}
    if entry.choices is not None:
        kwargs["choices"] = entry.choices.choices
    if entry.default is not None:
        kwargs["default"] = entry.default.value if isinstance(entry.default, rules.IntChoice) else entry.default
    if entry.min is not None and entry.kind in (Kind.INTEGER, Kind.NUMBER):
        message = rules.range_message(entry, "%(show_value)s")
        kwargs["validators"] = [MinValueValidator(entry.min, message), MaxValueValidator(entry.max, message)]
    kwargs.update(options)
    if entry.kind == Kind.TEXT:
        if entry.max_length is None or entry.max_length > LONG_TEXT:
            return models.TextField(**kwargs)
        return models.CharField(max_length=entry.max_length, **kwargs)
    kwargs.setdefault("null", kwargs["blank"])
    if entry.kind == Kind.INTEGER:
        small = entry.choices is not None or entry.max <= SMALL_INTEGER_MAX
        return (models.PositiveSmallIntegerField if small else models.PositiveIntegerField)(**kwargs)
    return {Kind.NUMBER: models.FloatField, Kind.KEY: models.JSONField, Kind.TIME: models.DateTimeField,
            Kind.LIST: models.JSONField}[entry.kind](**kwargs)


def form_field(name: str, **options) -> forms.Field:
    """A form field for request field `name` with its label, help, limits and choices, and the table's
    messages when a value is out of them."""
    entry = rules.FIELDS[name]
    kwargs = {"label": entry.label, "help_text": entry.help, "required": entry.required and entry.when is None}
    if entry.default is not None:
        kwargs["initial"] = entry.default
    if entry.choices is not None:
        kwargs["error_messages"] = {"invalid_choice": rules.choice_message(entry, "%(value)s")}
        return forms.TypedChoiceField(choices=entry.choices.choices, coerce=int, **{**kwargs, **options})
    if entry.kind == Kind.TEXT:
        message = rules.length_message(entry, "%(show_value)s")
        kwargs.update(max_length=entry.max_length, min_length=entry.min_length,
                      error_messages={"max_length": message, "min_length": message})
        return forms.CharField(**{**kwargs, **options})
    if entry.kind == Kind.KEY:  # one key, kept as text: the page's table says String
        return forms.CharField(max_length=1, empty_value=None, **{**kwargs, **options})
    if entry.kind in (Kind.INTEGER, Kind.NUMBER):
        message = rules.range_message(entry, "%(show_value)s")
        kwargs.update(min_value=entry.min, max_value=entry.max,
                      error_messages={"min_value": message, "max_value": message})
        return (forms.IntegerField if entry.kind == Kind.INTEGER else forms.FloatField)(**{**kwargs, **options})
    raise ValueError(f"{name} ({entry.kind}) has no form field of its own.")
