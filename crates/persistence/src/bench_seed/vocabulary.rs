//! The bench generator's deterministic random numbers and its Portuguese vocabulary
//! (names and message texts), kept apart from the generation logic.

/// SplitMix64: small, fast and good enough for test data.
#[derive(Debug, Clone)]
pub(super) struct Rng(u64);

impl Rng {
    pub(super) fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub(super) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (0 when `n` is 0).
    pub(super) fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next() % n }
    }

    /// True with `percent` % probability.
    pub(super) fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    /// Uniform in `[0, 1)`.
    pub(super) fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

pub(super) const FIRST_NAMES: &[&str] = &[
    "Ana",
    "Maria",
    "Juliana",
    "Fernanda",
    "Patrícia",
    "Aline",
    "Camila",
    "Amanda",
    "Bruna",
    "Jéssica",
    "Letícia",
    "Larissa",
    "Mariana",
    "Gabriela",
    "Vanessa",
    "Beatriz",
    "Luana",
    "Francisca",
    "Adriana",
    "Raquel",
    "Carla",
    "Tatiane",
    "Sônia",
    "Cláudia",
    "Helena",
    "José",
    "João",
    "Antônio",
    "Francisco",
    "Carlos",
    "Paulo",
    "Pedro",
    "Lucas",
    "Luiz",
    "Marcos",
    "Luís",
    "Gabriel",
    "Rafael",
    "Daniel",
    "Marcelo",
    "Bruno",
    "Eduardo",
    "Felipe",
    "Raimundo",
    "Rodrigo",
    "Thiago",
    "Mateus",
    "Gustavo",
    "André",
    "Fábio",
    "Leonardo",
    "Diego",
    "Sérgio",
    "Vinícius",
    "Renato",
    "Caio",
    "Henrique",
    "Otávio",
    "Igor",
    "Wesley",
];

pub(super) const LAST_NAMES: &[&str] = &[
    "Silva",
    "Santos",
    "Oliveira",
    "Souza",
    "Rodrigues",
    "Ferreira",
    "Alves",
    "Pereira",
    "Lima",
    "Gomes",
    "Costa",
    "Ribeiro",
    "Martins",
    "Carvalho",
    "Almeida",
    "Lopes",
    "Soares",
    "Fernandes",
    "Vieira",
    "Barbosa",
    "Rocha",
    "Dias",
    "Nascimento",
    "Andrade",
    "Moreira",
    "Nunes",
    "Marques",
    "Machado",
    "Mendes",
    "Freitas",
    "Cardoso",
    "Ramos",
    "Gonçalves",
    "Santana",
    "Teixeira",
    "Araújo",
    "Cavalcanti",
    "Monteiro",
    "Moura",
    "Correia",
];

pub(super) const AGENT_NAMES: &[&str] = &[
    "Renata Prado",
    "Marcos Vinícius",
    "Tatiana Rezende",
    "Bruno Queiroz",
    "Paula Siqueira",
    "Diego Barros",
    "Carolina Pires",
    "Rafael Guimarães",
    "Débora Fontes",
    "Leandro Matos",
];

pub(super) const OPENING_TEXTS: &[&str] = &[
    "Olá, boa tarde!",
    "Bom dia, tudo bem?",
    "Oi, gostaria de uma informação",
    "Boa noite, preciso de ajuda com meu pedido",
    "Olá! Vocês entregam no meu bairro?",
    "Oi, quero saber o valor do frete",
    "Bom dia, minha fatura veio errada",
    "Olá, meu produto chegou com defeito",
    "Oi, como faço para trocar um item?",
    "Boa tarde, quero cancelar minha assinatura",
    "Olá, ainda tem esse produto em estoque?",
    "Oi! Vi a promoção no Instagram",
];

pub(super) const CUSTOMER_TEXTS: &[&str] = &[
    "Ok, obrigado!",
    "Certo, vou aguardar",
    "Qual o prazo de entrega?",
    "Pode me mandar o boleto?",
    "O número do pedido é 4587213",
    "Já fiz o pagamento pelo Pix",
    "Segue o comprovante",
    "Ainda não recebi o código de rastreio",
    "Vocês aceitam cartão em 10 vezes?",
    "Meu CEP é 01310-100",
    "Perfeito, muito obrigada!",
    "Não entendi, pode explicar melhor?",
    "Tem na cor azul?",
    "Quanto fica com o desconto?",
    "Ok 👍",
    "Até amanhã então",
];

pub(super) const AGENT_TEXTS: &[&str] = &[
    "Olá! Em que posso ajudar?",
    "Um momento, por favor, vou verificar",
    "Seu pedido foi enviado hoje e chega em até 5 dias úteis",
    "O frete para sua região é grátis acima de R$ 199",
    "Segue o link para pagamento",
    "Já registrei a troca, você receberá um e-mail com as instruções",
    "Pode me informar o número do pedido?",
    "Sim, aceitamos em até 10 vezes sem juros",
    "Temos sim, em estoque",
    "Encaminhei para o setor financeiro",
    "Sua fatura foi corrigida",
    "Posso ajudar em algo mais?",
    "Obrigado pelo contato! Tenha um ótimo dia",
    "O código de rastreio é BR123456789BR",
];
