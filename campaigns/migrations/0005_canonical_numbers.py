"""Stored numbers as the CSV import stores them, so the do-not-call list matches by number.

Before, the admin forms stored numbers as typed ("+34 612 345 679", "0034612345679"), and
such an entry matched no callee. Every row is read with the import's normalisation:
- do-not-call rows are rewritten; two rows that become the same number are merged into
  the earliest, keeping every reason; rows that cannot be read stay as they are and are
  listed, to be fixed or deleted in the admin;
- callee rows are rewritten too, unless their list already holds that number (the row
  written another way would be called twice): it is removed, and listed with its texts.
Nothing is changed or removed without a line in the output. Not reversible: the numbers
as typed are not kept (the output lists them).
"""
import sys
from collections import defaultdict

from django.db import migrations
from django.db.models import Q

from campaigns.importers.phones import normalize

TEXTS = tuple(f"text{i}" for i in range(1, 11))
CHUNK = 5000
BATCH = 500


def canonicalise_numbers(apps, schema_editor, out=None):
    out = out or sys.stdout
    _do_not_call(apps.get_model("campaigns", "SuppressedNumber"), out)
    _callees(apps.get_model("campaigns", "Callee"), out)


def _do_not_call(SuppressedNumber, out):
    rewritten, unreadable = {}, []
    rows = SuppressedNumber.objects.order_by("pk").values_list("pk", "number")
    for pk, number in rows.iterator(chunk_size=CHUNK):
        canonical, reason = normalize(number)
        if reason:
            unreadable.append((pk, number, reason))
        elif canonical != number:
            rewritten[pk] = canonical
    # Every row that is or becomes one number, earliest first: the earliest is kept.
    groups = defaultdict(list)
    for pks, numbers in _chunks(list(rewritten), list(set(rewritten.values()))):
        for row in SuppressedNumber.objects.filter(Q(pk__in=pks) | Q(number__in=numbers)):
            groups[rewritten.get(row.pk, row.number)].append(row)
    limit = SuppressedNumber._meta.get_field("reason").max_length
    kept, merged = [], []
    for canonical, same in sorted(groups.items()):
        same.sort(key=lambda row: (row.added_at, row.pk))
        keep = same[0]
        if len(same) > 1:
            joined = "; ".join(dict.fromkeys(r.reason.strip() for r in same if r.reason.strip()))
            keep.reason = joined if len(joined) <= limit else joined[:limit - 1] + "…"
            merged += [row.pk for row in same[1:]]
            out.write(f"Do-not-call: merged {', '.join(repr(r.number) for r in same)} into one entry "
                      f"{canonical}; reasons: {joined or '(none)'}\n")
        else:
            out.write(f"Do-not-call: {keep.number!r} is now {canonical}\n")
        keep.number = canonical
        kept.append(keep)
    for (pks,) in _chunks(merged):  # first, or the kept rows' new numbers would clash
        SuppressedNumber.objects.filter(pk__in=pks).delete()
    SuppressedNumber.objects.bulk_update(kept, ["number", "reason"], batch_size=BATCH)
    for pk, number, reason in unreadable:
        out.write(f"Do-not-call: entry {pk} {number!r} cannot be read and was left as it is ({reason}) "
                  "Fix it or delete it under Do-not-call numbers.\n")


def _callees(Callee, out):
    rewritten, unreadable = [], defaultdict(int)
    rows = Callee.objects.order_by("pk").values_list("pk", "callee_list_id", "number")
    for pk, list_id, number in rows.iterator(chunk_size=CHUNK):
        canonical, reason = normalize(number)
        if reason:
            unreadable[list_id] += 1
        elif canonical != number:
            rewritten.append((pk, list_id, number, canonical))
    taken = set()  # (list, number) pairs already in the lists, or taken by a rewritten row
    for (numbers,) in _chunks(list({row[3] for row in rewritten})):
        taken.update(Callee.objects.filter(number__in=numbers).values_list("callee_list_id", "number"))
    updated, removed = [], {}
    for pk, list_id, number, canonical in rewritten:
        if (list_id, canonical) in taken:
            removed[pk] = (list_id, number, canonical)
        else:
            taken.add((list_id, canonical))
            updated.append(Callee(pk=pk, number=canonical))
            out.write(f"Callee list {list_id}: {number!r} is now {canonical}\n")
    for (pks,) in _chunks(list(removed)):
        for callee in Callee.objects.filter(pk__in=pks).order_by("pk"):
            list_id, number, canonical = removed[callee.pk]
            texts = ", ".join(f"{name}={getattr(callee, name)!r}" for name in TEXTS if getattr(callee, name))
            out.write(f"Callee list {list_id}: removed {number!r}, the same number as {canonical} already in the "
                      f"list (its texts: {texts or 'none'})\n")
        Callee.objects.filter(pk__in=pks).delete()
    Callee.objects.bulk_update(updated, ["number"], batch_size=BATCH)
    for list_id, count in unreadable.items():
        out.write(f"Callee list {list_id}: left unchanged {count} number{'s' if count != 1 else ''} "
                  "the import cannot read\n")


def _chunks(*lists):
    """The lists cut into slices of BATCH, side by side (a query has only so many parameters)."""
    for start in range(0, max(map(len, lists)), BATCH):
        yield tuple(items[start:start + BATCH] for items in lists)


class Migration(migrations.Migration):

    dependencies = [
        ("campaigns", "0004_leaner_indexes"),
    ]

    operations = [
        migrations.RunPython(canonicalise_numbers, migrations.RunPython.noop, elidable=True),
    ]
