"""The training programme's pages, by audience: the member's own (views/member.py), the
branch's (views/branch.py), the units' above (views/upper.py), and Excel (views/imports.py,
views/exports.py). Object ids other than the unit, the member and the year travel in the query
string or the form (the permission matrix fills only those)."""

from django.urls import path

from .views import branch, exports, imports, member, review, upper

app_name = "training"

M = "members/<int:member_id>/training/<year:year>/"
B = "units/<int:unit_id>/training/<year:year>/"

urlpatterns = [
    # The member's own pages. The signed-in member's own page takes no object id (listed as
    # personal in the permission matrix).
    path("me/training/", member.my_training, name="my-training"),
    path(
        "members/<int:member_id>/training/",
        member.member_training_current,
        name="member-training-current",
    ),
    path(M, member.member_training, name="member-training"),
    path(
        M + "self-assessment/",
        member.member_training_self_assess,
        name="member-training-self-assess",
    ),
    path(M + "notes/", member.member_training_note, name="member-training-note"),
    # The branch committee: review, bulk registration, assessment, results.
    path(
        "units/<int:unit_id>/training/",
        branch.branch_training_current,
        name="branch-training-current",
    ),
    path(B, branch.branch_training, name="branch-training"),
    path(B + "notes/", branch.branch_training_note, name="branch-training-note"),
    path(B + "bulk/", branch.branch_training_bulk, name="branch-training-bulk"),
    path(B + "assessment/", branch.branch_assessment, name="branch-assessment"),
    path(
        B + "assessment/<int:member_id>/",
        branch.branch_assessment_row,
        name="branch-assessment-row",
    ),
    path(B + "results/submit/", branch.branch_results_submit_view, name="branch-results-submit"),
    # One registration at a time, and several approved at once.
    path(B + "review/", review.branch_review, name="branch-review"),
    path(
        B + "review/<int:member_id>/",
        review.branch_review_member,
        name="branch-review-member",
    ),
    path(B + "review/approve/", review.branch_review_approve_many, name="branch-review-approve"),
    path(M + "approve/", branch.registration_approve_view, name="registration-approve"),
    path(M + "return/", branch.registration_return_view, name="registration-return"),
    # Excel
    path(B + "import/", imports.branch_training_import, name="branch-training-import"),
    path(
        B + "import/template.xlsx",
        imports.branch_training_import_template,
        name="branch-training-import-template",
    ),
    path(B + "export/", exports.registrations_export, name="training-registrations-export"),
    # The units above the branches: progress and recognition, and the configuration a unit
    # publishes for its subtree.
    path(B + "progress/", upper.training_progress, name="training-progress"),
    path(B + "late/", upper.training_late, name="training-late"),
    path(B + "registrations/", upper.training_registrations, name="training-registrations"),
    path(B + "recognise/", upper.results_recognise_view, name="training-recognise"),
    path(B + "return/", upper.results_return_view, name="training-return"),
    path(B + "reopen/", upper.results_reopen_view, name="training-reopen"),
    path(B + "framework/", upper.training_framework, name="training-framework"),
    path(B + "framework/publish/", upper.framework_publish_view, name="training-framework-publish"),
    path(B + "framework/save/", upper.framework_save_view, name="training-framework-save"),
    path(B + "criteria/save/", upper.criterion_save_view, name="training-criterion-save"),
    path(B + "criteria/remove/", upper.criterion_remove_view, name="training-criterion-remove"),
    path(B + "deadlines/", upper.training_deadlines, name="training-deadlines"),
    path(B + "deadlines/save/", upper.deadline_save_view, name="training-deadline-save"),
]
