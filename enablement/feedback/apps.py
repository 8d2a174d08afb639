from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "enablement.feedback"
    label = "feedback"
    verbose_name = "Evaluation and feedback"
