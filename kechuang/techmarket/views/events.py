from django.contrib import messages
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from kechuang.core.views import ObjectDetailView, ObjectEditView, ObjectListView
from kechuang.techmarket import choices, filtersets, forms, services, tables
from kechuang.techmarket.models import EventParticipant, MatchmakingEvent


class MatchmakingEventListView(ObjectListView):
    model = MatchmakingEvent
    table_class = tables.MatchmakingEventTable
    filterset_class = filtersets.MatchmakingEventFilterSet
    create_url_name = "techmarket:matchmakingevent_add"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .annotate(
                participant_count=Count("participants", distinct=True),
                pairing_count=Count("pairings", distinct=True),
            )
        )


class MatchmakingEventDetailView(ObjectDetailView):
    model = MatchmakingEvent
    template_name = "techmarket/matchmakingevent_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        event = self.object
        participants = event.participants.select_related(
            "enterprise", "institution", "expert__person"
        )
        context["participants"] = participants
        context["pairings"] = event.pairings.select_related(
            "seeker__enterprise",
            "provider__institution",
            "provider__expert__person",
            "demand",
            "result",
            "match",
        )
        context["invitations"] = choices.Invitation.choices
        context["attendance"] = {
            "invited": len(participants),
            "accepted": sum(p.invitation == "accepted" for p in participants),
            "attended": sum(bool(p.attended) for p in participants),
            "financiers": sum(p.kind in ("bank", "fund") for p in participants),
            "financiers_attended": sum(
                p.kind in ("bank", "fund") and bool(p.attended) for p in participants
            ),
        }
        # Attendance and pairings are recorded from the day the event is held.
        context["day_come"] = day_come = (
            event.held_on <= timezone.localdate() and event.status != choices.EventStatus.CANCELLED
        )
        if context["can_change"]:
            participant_form = kwargs.get("participant_form") or forms.EventParticipantForm(
                user=self.request.user, initial={"event": event.pk}
            )
            if not day_come:
                participant_form.fields.pop("attended", None)
            context["participant_form"] = participant_form
            if day_come:
                context["pairing_form"] = kwargs.get("pairing_form") or forms.EventPairingForm(
                    user=self.request.user, event=event, initial={"event": event.pk}
                )
        return context


class MatchmakingEventEditView(ObjectEditView):
    model = MatchmakingEvent
    form_class = forms.MatchmakingEventForm


def _rerender(request, event, **forms_given):
    view = MatchmakingEventDetailView()
    view.setup(request, pk=event.pk)
    view.object = event
    context = view.get_context_data(object=event, **forms_given)
    return render(request, view.template_name, context)


@require_POST
def event_participant_add(request, pk: int):
    event = get_object_or_404(MatchmakingEvent.objects.restrict(request.user, "change"), pk=pk)
    data = request.POST.copy()
    data["event"] = event.pk
    form = forms.EventParticipantForm(data, user=request.user)
    if form.is_valid():
        participant = form.save()
        messages.success(request, f"已添加参会方：{participant}")
        return redirect(event)
    return _rerender(request, event, participant_form=form)


@require_POST
def event_participant_update(request, pk: int, participant_pk: int):
    event = get_object_or_404(MatchmakingEvent.objects.restrict(request.user, "change"), pk=pk)
    participant = get_object_or_404(EventParticipant, pk=participant_pk, event=event)
    attended = request.POST.get("attended")
    invitation = request.POST.get("invitation")
    if invitation in dict(EventParticipant._meta.get_field("invitation").choices):
        participant.invitation = invitation
    participant.attended = {"true": True, "false": False}.get(attended)
    if participant.attended and participant.invitation == "declined":
        messages.error(request, f"{participant}：已回复不参加的，不能记为到场。")
        return redirect(event)
    if participant.attended is not None and event.held_on > timezone.localdate():
        messages.error(request, f"{participant}：{forms.attendance_too_early(event)}")
        return redirect(event)
    participant.save()
    messages.success(request, f"已更新：{participant}")
    return redirect(event)


@require_POST
def event_pairing_add(request, pk: int):
    event = get_object_or_404(MatchmakingEvent.objects.restrict(request.user, "change"), pk=pk)
    data = request.POST.copy()
    data["event"] = event.pk
    form = forms.EventPairingForm(data, user=request.user, event=event)
    if form.is_valid():
        pairing = services.record_pairing(form.save(commit=False), user=request.user)
        note = f"，已进入对接跟踪 #{pairing.match_id}" if pairing.match_id else ""
        messages.success(request, f"已记录配对：{pairing}{note}")
        return redirect(event)
    return _rerender(request, event, pairing_form=form)
