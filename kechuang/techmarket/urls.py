from django.urls import path

from kechuang.techmarket import views
from kechuang.techmarket.views import demands, events, experts, funnel, matches, results

app_name = "techmarket"

urlpatterns = [
    path("", funnel.overview, name="overview"),
    path("results/", results.TechResultListView.as_view(), name="techresult_list"),
    path("results/add/", results.TechResultEditView.as_view(), name="techresult_add"),
    path("results/import/", views.TechResultImportView.as_view(), name="techresult_import"),
    path("results/<int:pk>/", results.TechResultDetailView.as_view(), name="techresult_detail"),
    path("results/<int:pk>/edit/", results.TechResultEditView.as_view(), name="techresult_edit"),
    path("results/<int:pk>/publish/", results.result_publish, name="techresult_publish"),
    path("results/<int:pk>/access/", results.result_request_access, name="techresult_access"),
    path("results/<int:pk>/offer/", results.result_offer, name="techresult_offer"),
    path("patents/add/", results.ResultPatentEditView.as_view(), name="resultpatent_add"),
    path(
        "patents/<int:pk>/edit/", results.ResultPatentEditView.as_view(), name="resultpatent_edit"
    ),
    path("disclosures/<int:pk>/decide/", results.disclosure_decide, name="disclosure_decide"),
    path("demands/", demands.TechDemandListView.as_view(), name="techdemand_list"),
    path("demands/add/", demands.TechDemandEditView.as_view(), name="techdemand_add"),
    path("demands/import/", views.TechDemandImportView.as_view(), name="techdemand_import"),
    path("demands/<int:pk>/", demands.TechDemandDetailView.as_view(), name="techdemand_detail"),
    path("demands/<int:pk>/edit/", demands.TechDemandEditView.as_view(), name="techdemand_edit"),
    path("demands/<int:pk>/status/", demands.demand_status, name="techdemand_status"),
    path("demands/<int:pk>/candidates/", demands.demand_candidates, name="techdemand_candidates"),
    path("demands/<int:pk>/accept/", demands.demand_accept, name="techdemand_accept"),
    path("experts/", experts.ExpertProfileListView.as_view(), name="expertprofile_list"),
    path("experts/add/", experts.ExpertProfileEditView.as_view(), name="expertprofile_add"),
    path("experts/import/", views.ExpertProfileImportView.as_view(), name="expertprofile_import"),
    path(
        "experts/<int:pk>/", experts.ExpertProfileDetailView.as_view(), name="expertprofile_detail"
    ),
    path(
        "experts/<int:pk>/edit/", experts.ExpertProfileEditView.as_view(), name="expertprofile_edit"
    ),
    path("matches/", matches.MatchListView.as_view(), name="match_list"),
    path("matches/<int:pk>/", matches.MatchDetailView.as_view(), name="match_detail"),
    path("matches/<int:pk>/move/", matches.match_move, name="match_move"),
    path("events/", events.MatchmakingEventListView.as_view(), name="matchmakingevent_list"),
    path("events/add/", events.MatchmakingEventEditView.as_view(), name="matchmakingevent_add"),
    path(
        "events/<int:pk>/",
        events.MatchmakingEventDetailView.as_view(),
        name="matchmakingevent_detail",
    ),
    path(
        "events/<int:pk>/edit/",
        events.MatchmakingEventEditView.as_view(),
        name="matchmakingevent_edit",
    ),
    path(
        "events/<int:pk>/participants/", events.event_participant_add, name="eventparticipant_add"
    ),
    path(
        "events/<int:pk>/participants/<int:participant_pk>/",
        events.event_participant_update,
        name="eventparticipant_update",
    ),
    path("events/<int:pk>/pairings/", events.event_pairing_add, name="eventpairing_add"),
]
