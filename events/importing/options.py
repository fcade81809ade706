"""Which model a list holds, and the values all its rows share: checked before anything is read.

`import_content --model 培训载体 --set 批次=2023年国家级高技能人才培训基地建设项目` and the admin's
import page say the same thing: the file is a list of training bases, and every base belongs
to that batch. A shared value fills a column the sheet does not have, or a cell it leaves
empty; a row that gives its own value keeps it. The model and each field are named as the
admin names them (培训载体, 批次) or by their names in code (trainingbase, batch); a value is
written as in a cell, a reference by natural key or by name. An unknown model, an unknown
field or a value that names nothing is refused before the import begins.
"""

from django.core.exceptions import ValidationError

from .references import References
from .specs import registry
from .values import convert


def model_spec(name):
    """The spec of a model named in code or in Chinese; ValidationError if there is none."""
    spec = registry().get(name)
    if spec is None:
        names = "、".join(f"{s.verbose_name}（{s.name}）" for s in registry())
        raise ValidationError(f"未知的内容类型「{name}」。可选：{names}。", code="unknown_model")
    return spec


def parse_assignments(lines):
    """[(field, value)] from FIELD=VALUE texts; blank lines are skipped."""
    pairs, errors = [], []
    for line in lines:
        if not line.strip():
            continue
        name, equals, value = line.partition("=")
        if not equals or not name.strip():
            errors.append(
                ValidationError(
                    f"「{line.strip()}」应写成 字段=值，如 批次=2023年…建设项目。", code="assignment"
                )
            )
            continue
        pairs.append((name.strip(), value.strip()))
    if errors:
        raise ValidationError(errors)
    return pairs


def field_names(spec):
    """{name or Chinese label: field name} for the fields a shared value may fill."""
    names = {}
    for name, model_field in spec.fields_by_name.items():
        if name in spec.natural_key and len(spec.natural_key) == 1:
            continue  # one slug for every row would make them one row
        names[name] = name
        names.setdefault(str(model_field.verbose_name), name)
    return names


def shared_values(spec, pairs):
    """{field name: value} for `spec`, every field known and every value valid and found."""
    names, values, errors = field_names(spec), {}, []
    references = References()
    for given, value in pairs:
        name = names.get(given)
        if name is None:
            offered = "、".join(
                f"{spec.fields_by_name[n].verbose_name}（{n}）" for n in spec.columns if n in names.values()
            )
            errors.append(
                ValidationError(
                    f"{spec.verbose_name}没有可共用的字段「{given}」。可用：{offered}。", code="unknown_field"
                )
            )
            continue
        if name in values:
            errors.append(ValidationError(f"字段「{given}」给了两次。", code="duplicate_field"))
            continue
        model_field = spec.fields_by_name[name]
        label = f"{model_field.verbose_name}（{name}）"
        try:
            converted = convert(model_field, value, from_csv=True)
        except ValidationError as error:
            errors.append(ValidationError(f"{label}：{'；'.join(error.messages)}", code="invalid"))
            continue
        if model_field.is_relation:
            keys = converted if model_field.many_to_many else [converted] if converted else []
            target = registry().for_model(model_field.related_model)
            found = references.lookup(target, keys)
            for key in keys:
                if key in found:
                    continue
                message = references.ambiguity(target, key)
                if message is None:
                    message = f"没有{target.verbose_name}「{key}」。"
                    if nearest := references.nearest(target, key):
                        message += f"最接近的：{'、'.join(nearest)}。"
                errors.append(ValidationError(f"{label}：{message}", code="missing_reference"))
        values[name] = value
    if errors:
        raise ValidationError(errors)
    return values
