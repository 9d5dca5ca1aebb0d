"""Stop words of English and Norwegian bokmål: words too common in any comment to make a theme.

Small on purpose: function words, auxiliaries and a few fillers. Content words stay, even common
ones such as "time" or "tid", because in a comment about a dimension they are the theme.
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


ENGLISH = _words(
    """
    a about above after again against all also am an and any are aren't as at be because been before
    being below between both but by can can't cannot could couldn't did didn't do does doesn't doing
    don't down during each even every few for from further get gets got had hadn't has hasn't have
    haven't having he her here hers herself him himself his how i i'm i've if in into is isn't it it's
    its itself just let's lot lots many me more most much must mustn't my myself no nor not now of off
    often on once only or other ought our ours ourselves out over own quite rather really same shall
    she should shouldn't so some such than that that's the their theirs them themselves then there
    there's these they they're thing things this those through to too under until up us very was
    wasn't we we're were weren't what when where which while who whom why will with won't would
    wouldn't yes yet you you're your yours yourself yourselves
    """
)

NORWEGIAN_BOKMAL = _words(
    """
    alle alt andre at av bare begge ble blei blir blitt bli både da dem den denne der dere deres det
    dette di din disse ditt du eller en enn er et ett etter for fordi fra få får før han hans har
    hadde har hennes her hun hva hvem hver hvilke hvilken hvis hvor hvordan hvorfor i ikke ingen inn
    inni ja jeg kan kom kun kunne litt man mange med meg meget mellom men mer mest min mine mitt mot
    mye må ned nei noe noen nå når og også om opp oss over på samme seg selv si siden sin sine sitt
    skal skulle slik som så sånn til uten ut var ved veldig vi vil ville vår være vært å
    """
)

STOP_WORDS = ENGLISH | NORWEGIAN_BOKMAL
