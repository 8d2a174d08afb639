from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "enablement.reviews"
    label = "reviews"
    verbose_name = "Reviews"
