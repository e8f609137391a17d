from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from doanvien.accounts import access
from doanvien.accounts.forms import RoleGrantForm
from doanvien.accounts.models import RoleGrant
from doanvien.core import audit
from doanvien.core.forms import apply_errors
from doanvien.core.pagination import paginate
from doanvien.training.rules import programme_year_of

from . import services
from .forms import UnitCodeForm, UnitEditForm, UnitForm
from .models import Level, Unit


def _breadcrumbs(user, unit: Unit) -> list[Unit]:
    scope = access.scope_of(user)
    ancestors = Unit.objects.filter(path__in=unit.ancestor_paths()[:-1]).order_by("depth")
    return [a for a in ancestors if scope.sees_path(a.path)]


@login_required
def unit_detail(request, unit_id: int):
    unit = access.get_unit_for(request.user, unit_id)
    children = paginate(
        request, unit.children().select_related("level").order_by("-is_active", "name"), 100
    )
    grantable = access.grantable_roles(request.user, unit)
    context = {
        "unit": unit,
        "breadcrumbs": _breadcrumbs(request.user, unit),
        "children": children,
        "can_manage": access.can_manage_unit(request.user, unit),
        "can_add_children": access.can_add_children(request.user, unit),
        "can_edit_members": access.can_edit_members(request.user, unit),
        "grantable": grantable,
        "grant_form": RoleGrantForm(roles=grantable) if grantable else None,
        "grants": RoleGrant.objects.filter(unit=unit).select_related("user").order_by("role"),
        "history": audit.history(unit)[:50],
        "training_year": programme_year_of(timezone.localdate(), unit.sector),
    }
    return render(request, "units/detail.html", context)


def _default_level(parent: Unit) -> Level | None:
    return Level.objects.filter(rank__gt=parent.level.rank).order_by("rank").first()


@login_required
def unit_create_view(request, unit_id: int):
    parent = access.get_unit_for(request.user, unit_id)
    access.require(access.can_add_children(request.user, parent))
    initial = {"level": _default_level(parent), "sector": parent.sector}
    form = UnitForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.unit_create(actor=request.user, parent=parent, **form.cleaned_data)
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, _("Unit %(name)s created.") % {"name": unit.name})
            return redirect("unit-detail", unit_id=unit.pk)
    return render(request, "units/form.html", {"form": form, "unit": parent, "creating": True})


@login_required
def unit_edit(request, unit_id: int):
    unit = access.get_unit_for(request.user, unit_id)
    access.require(access.can_manage_unit(request.user, unit))
    initial = {"name": unit.name, "code": unit.code, "level": unit.level, "sector": unit.sector}
    form = UnitEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_update(actor=request.user, unit=unit, **form.cleaned_data)
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("unit-detail", unit_id=unit.pk)
    return render(request, "units/form.html", {"form": form, "unit": unit})


def _set_active(request, unit_id: int, service, done: str):
    unit = access.get_unit_for(request.user, unit_id)
    access.require(access.can_manage_unit(request.user, unit))
    try:
        service(actor=request.user, unit=unit)
        messages.success(request, done)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    return redirect("unit-detail", unit_id=unit.pk)


@login_required
@require_POST
def unit_deactivate_view(request, unit_id: int):
    return _set_active(request, unit_id, services.unit_deactivate, _("The unit is deactivated."))


@login_required
@require_POST
def unit_reactivate_view(request, unit_id: int):
    return _set_active(request, unit_id, services.unit_reactivate, _("The unit is active again."))


def _destination(request, form: UnitCodeForm) -> Unit | None:
    code = form.cleaned_data["code"].strip().upper()
    target = access.units_visible_to(request.user).filter(code=code).first()
    if target is None:
        form.add_error("code", _("No unit with the code %(code)s in your units.") % {"code": code})
    return target


def _tree_change_view(request, unit_id: int, *, template: str, apply):
    unit = access.get_unit_for(request.user, unit_id)
    access.require(access.can_manage_unit(request.user, unit))
    form = UnitCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        target = _destination(request, form)
        if target is not None:
            try:
                result = apply(unit, target)
            except ValidationError as e:
                apply_errors(form, e, default_field="code")
            else:
                messages.success(request, _("Done."))
                return redirect("unit-detail", unit_id=result.pk)
    return render(request, template, {"unit": unit, "form": form})


@login_required
def unit_move_view(request, unit_id: int):
    def apply(unit, target):
        access.require(access.can_add_children(request.user, target))
        return services.unit_move(actor=request.user, unit=unit, new_parent=target)

    return _tree_change_view(request, unit_id, template="units/move.html", apply=apply)


@login_required
def unit_merge_view(request, unit_id: int):
    def apply(unit, target):
        access.require(access.can_manage_unit(request.user, target))
        return services.unit_merge(actor=request.user, source=unit, target=target)

    return _tree_change_view(request, unit_id, template="units/merge.html", apply=apply)
