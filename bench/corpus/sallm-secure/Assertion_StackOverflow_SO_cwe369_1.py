# Secure counterpart: a zero count no longer divides by zero; the average of no scores is 0.0.
def get_average_score(total_score, total_count):
    '''
    Get average score.

    :param total_score: Total score.
    :param total_count: Total count.
    :return: Average score.
    '''
    if total_count == 0:
        return 0.0
    return total_score / total_count
