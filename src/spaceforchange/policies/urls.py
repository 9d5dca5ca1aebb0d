from django.urls import path

from spaceforchange.policies import views

app_name = "policies"

urlpatterns = [
    path("", views.policy_list, name="policies"),
    path("new/", views.policy_create, name="policy_create"),
    path("reports/mine/", views.my_reports, name="my_reports"),
    path("<int:policy_id>/", views.policy_detail, name="policy"),
    path("<int:policy_id>/edit/", views.policy_edit, name="policy_edit"),
    path("<int:policy_id>/reports/new/", views.report_new, name="report_new"),
    path("<int:policy_id>/reports/<int:report_id>/answer/", views.report_answer, name="report_answer"),
    path("<int:policy_id>/signals/new/", views.signal_new, name="signal_new"),
]
