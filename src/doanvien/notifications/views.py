"""The person's notifications: the list (newest first, by keyset), marking read, and the choice
of channel per kind. Personal pages: each shows and changes the signed-in user's own only."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from doanvien.core.pagination import keyset_page_for

from . import selectors, services
from .forms import ChannelsForm


@login_required
def notification_list(request):
    unread = request.GET.get("unread") == "1"
    rows = selectors.notifications_of(request.user, unread=unread)
    page = keyset_page_for(request, rows, keys=selectors.NEWEST_FIRST)
    return render(
        request,
        "notifications/list.html",
        {"page": page, "unread": unread, "title": _("Notifications")},
    )


@login_required
@require_POST
def notification_open(request, notification_id: int):
    """Mark it read and go where it points (a place of this site only)."""
    notification = selectors.own_notification(request.user, notification_id)
    if notification is None:
        raise Http404
    services.mark_read(user=request.user, notification=notification)
    target = notification.url
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notifications:notification-list")


@login_required
@require_POST
def notifications_read_all(request):
    count = services.mark_all_read(user=request.user)
    messages.success(request, _("%(n)s notifications marked as read.") % {"n": count})
    return redirect("notifications:notification-list")


@login_required
def notification_settings(request):
    current = services.channels_of(request.user)
    form = ChannelsForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        services.channels_set(user=request.user, choices=form.cleaned_data)
        messages.success(request, _("Your choices are saved."))
        return redirect("notifications:notification-settings")
    return render(
        request,
        "notifications/settings.html",
        {"form": form, "has_email": bool(request.user.email), "title": _("Notification settings")},
    )
