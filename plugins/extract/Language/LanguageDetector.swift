import CCLD2
import CStemmer

